// A payload as an invocation sends it, refused before any call when Lambda could not take it,
// and an answer as it comes back (JSON, else the text as it is).
import { LambdashError } from './errors.js';

/** Lambda's limit on a synchronous invocation's payload. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** The payload as JSON text, or INVALID_PAYLOAD. */
export function payloadJson(payload: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (error) {
    throw new LambdashError(
      'INVALID_PAYLOAD',
      `The payload cannot be sent as JSON: ${(error as Error).message}.`,
      'Send plain data: objects, arrays, strings, numbers, booleans and null (no BigInt, no cycles).',
    );
  }
  if (text === undefined) {
    throw new LambdashError(
      'INVALID_PAYLOAD',
      `The payload (${typeof payload}) has no JSON form.`,
      'Send plain data: objects, arrays, strings, numbers, booleans and null ({} for an empty event).',
    );
  }
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new LambdashError(
      'INVALID_PAYLOAD',
      `The payload is ${bytes} bytes as JSON, more than Lambda's 6 MB.`,
      'Put large data in S3 and send its key.',
    );
  }
  return text;
}

/** An answer's text decoded: JSON, else the text itself; an empty answer is undefined. */
export function resultOf(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
