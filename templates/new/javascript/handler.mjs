// {{name}}: a JavaScript function (an ES module). The event is whatever the caller sends;
// the return value is the answer, and what the function logs lands in its log.
export const handler = async (event) => {
  const name = event?.name ?? 'world';
  console.log('greeting', name);
  return { message: `Hello, ${name}!`, letters: name.length };
};
