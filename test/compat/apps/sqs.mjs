// SQS partial batch responses, as AWS's docs show: by hand, and with Powertools' batch utility.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';

const bad = (record) => record.body.includes('fail');

// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
export const handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try {
      if (bad(record)) throw new Error(`cannot process ${record.messageId}`);
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};

const processor = new BatchProcessor(EventType.SQS);
const recordHandler = async (record) => {
  if (bad(record)) throw new Error(`cannot process ${record.messageId}`);
};
export const powertools = async (event, context) =>
  processPartialResponse(event, recordHandler, processor, { context });

// lambdash's extra (issue 12 part 7): context.failRecord, which AWS's runtime does not have.
export const failRecord = async (event, context) => {
  for (const record of event.Records) if (bad(record)) context.failRecord?.(record);
};
