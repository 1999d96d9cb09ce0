// hono on Lambda, as hono's AWS Lambda guide shows: `handle` (buffered) and `streamHandle`.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { handle, streamHandle } from 'hono/aws-lambda';
import { setCookie } from 'hono/cookie';
import { streamText } from 'hono/streaming';

const app = new Hono();

app.get('/hello', (c) => c.json({ hello: 'hono', query: c.req.query() }));

app.post('/echo', async (c) => {
  // hono leaves decoding to the app: a gzip body is inflated here.
  if (c.req.header('content-encoding') === 'gzip') {
    const raw = Buffer.from(await c.req.arrayBuffer());
    return c.json({ received: JSON.parse(gunzipSync(raw).toString('utf8')) });
  }
  return c.json({ received: await c.req.json() });
});

app.post('/problem', async (c) => c.text(`problem: ${await c.req.text()}`));

app.post('/binary', async (c) => {
  const digest = createHash('sha256')
    .update(Buffer.from(await c.req.arrayBuffer()))
    .digest();
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]), digest]);
  return c.body(png, 200, { 'content-type': 'image/png' });
});

app.get('/cookies', (c) => {
  setCookie(c, 'a', '1', { path: '/' });
  setCookie(c, 'b', '2', { httpOnly: true });
  setCookie(c, 'c', 'three', { sameSite: 'Lax' });
  return c.json({ cookies: 3 });
});

app.get('/throws', () => {
  throw new Error('hono route failed');
});

app.get('/stream', (c) =>
  streamText(c, async (stream) => {
    await stream.write('one, ');
    await stream.sleep(5);
    await stream.write('two, ');
    await stream.writeln('three');
  }),
);

export const handler = handle(app);
export const stream = streamHandle(app);
