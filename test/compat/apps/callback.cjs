// biome-ignore-all lint/correctness/noUnusedFunctionParameters: a handler's arity is what the runtimes look at
// Callback-style handlers, as AWS's Node.js docs show them.
exports.response = (event, context, callback) => {
  callback(null, {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ via: 'callback', path: event.rawPath ?? event.path }),
  });
};

exports.later = (event, context, callback) => {
  setTimeout(() => callback(null, { later: true, received: event.value ?? null }), 5);
};

exports.error = (event, context, callback) => {
  callback(new RangeError('callback failure'));
};

exports.throws = (event, context, callback) => {
  throw new TypeError('thrown before the callback');
};

exports.succeed = (event, context) => {
  context.succeed({ succeeded: true });
};

exports.fail = (event, context) => {
  context.fail(new Error('context.fail failure'));
};

// A synchronous two-parameter handler returning a value (issue 12 part 3).
exports.syncReturn = (event, context) => ({ returned: true });

// Keeps the event loop busy after answering: the answer waits unless told not to.
exports.noWait = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  setTimeout(() => {}, 200);
  callback(null, { noWait: true });
};

// lambdash's extras (issue 12 part 7): a plain value, and a thrown HTTP error, for an HTTP event.
exports.plainValue = (event, context, callback) => callback(null, { plain: true });
exports.httpError = async () => {
  throw Object.assign(new Error('Conflict here'), { statusCode: 409, status: 409, expose: true });
};
