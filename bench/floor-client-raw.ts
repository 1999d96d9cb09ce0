// The strictest floor: lambdash's own Runtime API transport doing nothing but next and a
// fixed response. lambdash's runtime is this plus everything a runtime must do.
import { HttpConnection } from '../runtime/http-connection.js';

const address = process.env.AWS_LAMBDA_RUNTIME_API ?? '';
const colon = address.lastIndexOf(':');
const connection = new HttpConnection(address.slice(0, colon), Number(address.slice(colon + 1)));
const body = JSON.stringify({ ok: true });

for (;;) {
  const next = await connection.request('GET', '/2018-06-01/runtime/invocation/next');
  const id = next.headers['lambda-runtime-aws-request-id'];
  await connection.request('POST', `/2018-06-01/runtime/invocation/${id}/response`, '', body);
}
