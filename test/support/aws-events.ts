// Reads AWS's sample events from the shared fixtures folder (never copied into the project).
// Each call returns a fresh object, so a test may alter its copy freely.
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { awsEventsDir } from './paths.js';

export type JsonRecord = Record<string, unknown>;

export function awsEvent(name: string): JsonRecord {
  return JSON.parse(readFileSync(`${awsEventsDir}${name}.json`, 'utf8')) as JsonRecord;
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
