// Reads AWS's sample events from the shared fixtures folder (never copied into the project).
// Each call returns a fresh object, so a test may alter its copy freely.
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { describe, it } from 'vitest';
import { awsEventsFound, awsEventsRequired } from './aws-events-found.js';
import { awsEventsDir } from './paths.js';

export type JsonRecord = Record<string, unknown>;

export function awsEvent(name: string): JsonRecord {
  return JSON.parse(readFileSync(`${awsEventsDir}${name}.json`, 'utf8')) as JsonRecord;
}

/**
 * A suite that reads the sample events. Without them it is one skipped test naming the missing
 * folder (its body is not even collected, so it may read events as it declares tests); under
 * CI it is one failing test instead.
 */
export function describeAwsEvents(name: string, body: () => void): void {
  if (awsEventsFound) {
    describe(name, body);
  } else if (awsEventsRequired()) {
    describe(name, () => {
      it('has the AWS sample events', () => {
        throw new Error(`CI needs AWS's sample events at ${awsEventsDir}`);
      });
    });
  } else {
    describe(name, () => {
      it.skip(`needs AWS's sample events at ${awsEventsDir}`, () => {});
    });
  }
}

/** The sample event with its body replaced, sent as application/json. */
export function withJsonBody(event: JsonRecord, body: string): JsonRecord {
  const dropContentType = (map: unknown) =>
    Object.fromEntries(
      Object.entries((map ?? {}) as JsonRecord).filter(([name]) => !/^content-type$/i.test(name)),
    );
  const out: JsonRecord = {
    ...event,
    body,
    isBase64Encoded: false,
    headers: { ...dropContentType(event.headers), 'content-type': 'application/json' },
  };
  if (event.multiValueHeaders) {
    out.multiValueHeaders = {
      ...dropContentType(event.multiValueHeaders),
      'content-type': ['application/json'],
    };
  }
  return out;
}

/** Collects a streamed body. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
