// fastify 5 + @fastify/aws-lambda, as its README shows (ES module, top-level await ready()).
import { createHash } from 'node:crypto';
import awsLambdaFastify from '@fastify/aws-lambda';
import Fastify from 'fastify';

const app = Fastify();

app.addContentTypeParser('application/problem+json', { parseAs: 'string' }, (_req, body, done) =>
  done(null, body),
);
app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) =>
  done(null, body),
);

app.get('/hello', async (request) => ({ hello: 'fastify', query: request.query }));

app.post('/echo', async (request) => ({ received: request.body }));

app.post('/problem', async (request, reply) =>
  reply.type('text/plain').send(`problem: ${request.body}`),
);

app.post('/binary', async (request, reply) => {
  const digest = createHash('sha256').update(request.body).digest();
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]), digest]);
  return reply.type('image/png').send(png);
});

app.get('/cookies', async (_request, reply) => {
  reply.header('set-cookie', ['a=1; Path=/', 'b=2; HttpOnly', 'c=three; SameSite=Lax']);
  return { cookies: 3 };
});

app.get('/throws', async () => {
  throw new Error('fastify route failed');
});

export const handler = awsLambdaFastify(app, {
  binaryMimeTypes: ['image/png', 'application/octet-stream'],
});
await app.ready();
