// The smallest useful responder: greets whoever the event names.
export const handler = async (event, context) => {
  const name = event?.name ?? 'world';
  console.log('greeting', name);
  return { message: `Hello, ${name}!`, requestId: context.awsRequestId };
};
