// middy 6 with json-body-parser, validator and http-error-handler, as middy's docs show.
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import validator from '@middy/validator';
import { transpileSchema } from '@middy/validator/transpile';

const eventSchema = {
  type: 'object',
  required: ['body'],
  properties: {
    body: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1 } },
    },
  },
};

const json = (statusCode, value) => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

// POST /echo (any path): a JSON body with a name.
export const handler = middy()
  .use(httpJsonBodyParser())
  .use(validator({ eventSchema: transpileSchema(eventSchema) }))
  .use(httpErrorHandler())
  .handler(async (event) => json(200, { hello: event.body.name, received: event.body }));

// Routes without a body parser: the same shapes the other apps answer.
export const plain = middy()
  .use(httpErrorHandler())
  .handler(async (event) => {
    const path = event.rawPath ?? event.path;
    if (path === '/hello') return json(200, { hello: 'middy' });
    if (path === '/cookies') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        multiValueHeaders: {
          'set-cookie': ['a=1; Path=/', 'b=2; HttpOnly', 'c=three; SameSite=Lax'],
        },
        body: JSON.stringify({ cookies: 3 }),
      };
    }
    if (path === '/throws') throw new Error('middy handler failed');
    return json(404, { message: 'Not Found' });
  });
