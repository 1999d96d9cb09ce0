// The Runtime API server against a hand-driven runtime on loopback: an event whose headers
// HTTP cannot carry is answered at once, and must not leave the server jammed with an
// invocation that is "already in flight" forever.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RuntimeApiServer,
  type RuntimeInvokeRequest,
} from '../../../../runtime/emulator/runtime-api-server.js';

const API = '/2018-06-01/runtime';
let server: RuntimeApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Delivered {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** The runtime's `next`: resolves with the event once the server hands one out. */
function next(api: RuntimeApiServer): Promise<Delivered> {
  return new Promise((resolve, reject) => {
    http
      .get(`http://${api.address}${API}/invocation/next`, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

function post(api: RuntimeApiServer, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`http://${api.address}${API}${path}`, { method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function untilWaiting(api: RuntimeApiServer): Promise<void> {
  await expect.poll(() => api.runtimeWaiting, { timeout: 10_000, interval: 5 }).toBe(true);
}

const request = (requestId: string, clientContext?: string): RuntimeInvokeRequest => ({
  requestId,
  payload: Buffer.from('{"n":1}'),
  deadlineMs: Date.now() + 60_000,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
  clientContext,
});

describe('RuntimeApiServer: headers HTTP cannot carry', () => {
  it.each([
    ['a newline', '{\n"custom":{}}'],
    ['a character above U+00FF', '{"custom":{"price":"5 €"}}'],
  ])(
    'a client context with %s is refused; the runtime gets the next event',
    async (_label, bad) => {
      server = await RuntimeApiServer.start();
      const delivered = next(server);
      await untilWaiting(server);

      const refused = await server.invoke(request('bad-1', bad));
      expect(refused.kind).toBe('error');
      if (refused.kind !== 'error') return;
      expect(refused.errorType).toBe('InvalidRequestContentException');
      expect(JSON.parse(refused.body.toString())).toEqual({
        errorType: 'InvalidRequestContentException',
        errorMessage: expect.stringMatching(
          /^lambda-runtime-client-context cannot be sent as an HTTP header: /,
        ),
      });
      expect(typeof (await refused.idle)).toBe('number');
      // The runtime's `next` is still open, and the next invocation goes through it.
      expect(server.runtimeWaiting).toBe(true);

      const answer = server.invoke(request('good-2', '{"custom":{"ok":true}}'));
      const event = await delivered;
      expect(event.headers['lambda-runtime-aws-request-id']).toBe('good-2');
      expect(event.headers['lambda-runtime-client-context']).toBe('{"custom":{"ok":true}}');
      expect(event.body).toBe('{"n":1}');
      expect(await post(server, '/invocation/good-2/response', '"done"')).toBe(202);
      const result = await answer;
      expect(result.kind).toBe('response');
      if (result.kind === 'response') expect(result.body.toString()).toBe('"done"');
    },
  );

  it('refuses such an event also when no runtime is waiting yet', async () => {
    server = await RuntimeApiServer.start();
    const refused = await server.invoke(request('bad-1', 'a\r\nb'));
    expect(refused.kind === 'error' && refused.errorType).toBe('InvalidRequestContentException');
    // Nothing is in flight: the next invocation is accepted and delivered.
    const answer = server.invoke(request('good-2'));
    const event = await next(server);
    expect(event.headers['lambda-runtime-aws-request-id']).toBe('good-2');
    expect(await post(server, '/invocation/good-2/response', '1')).toBe(202);
    expect((await answer).kind).toBe('response');
  });
});
