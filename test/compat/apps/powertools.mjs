// @aws-lambda-powertools/logger, as its docs show (middy middleware injecting the context).
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';

const logger = new Logger({ serviceName: 'compat' });

export const handler = middy(async (event) => {
  logger.info('powertools says hi', { path: event.rawPath ?? event.path ?? null });
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ logged: true }),
  };
}).use(injectLambdaContext(logger));
