// Partial batch failures for SQS, Kinesis and DynamoDB Streams. A handler either returns
// `{batchItemFailures: [{itemIdentifier}]}` itself, or calls `context.failRecord(record)`
// for each record it could not process and lets the runtime build that answer. Identifiers
// that are not in the batch are rejected: the service would retry the whole batch.
import { type EventSourceKind, isObject, type JsonObject } from './classify.js';

export type BatchSourceKind = 'sqs' | 'kinesis' | 'dynamodb';

export function isBatchSource(kind: EventSourceKind): kind is BatchSourceKind {
  return kind === 'sqs' || kind === 'kinesis' || kind === 'dynamodb';
}

export function recordIdentifier(kind: BatchSourceKind, record: unknown): string | undefined {
  if (!isObject(record)) return undefined;
  if (kind === 'sqs') return typeof record.messageId === 'string' ? record.messageId : undefined;
  const inner = kind === 'kinesis' ? record.kinesis : record.dynamodb;
  const id = isObject(inner)
    ? kind === 'kinesis'
      ? inner.sequenceNumber
      : inner.SequenceNumber
    : undefined;
  return typeof id === 'string' ? id : undefined;
}

export class BatchFailures {
  readonly #kind: BatchSourceKind;
  readonly #known: Set<string>;
  readonly #failed = new Set<string>();

  constructor(kind: BatchSourceKind, event: JsonObject) {
    this.#kind = kind;
    const records = Array.isArray(event.Records) ? event.Records : [];
    this.#known = new Set(
      records.map((r) => recordIdentifier(kind, r)).filter((id) => id !== undefined),
    );
  }

  /** Marks a record (or its identifier) as failed. */
  fail(recordOrId: unknown): void {
    const id =
      typeof recordOrId === 'string' ? recordOrId : recordIdentifier(this.#kind, recordOrId);
    if (id === undefined || !this.#known.has(id)) {
      throw new TypeError(
        `failRecord: ${String(id ?? 'that value')} is not a record of this batch`,
      );
    }
    this.#failed.add(id);
  }

  /**
   * The response for the service: the handler's own list, checked, plus the records it
   * failed through `failRecord` (a failure dropped here would delete an unprocessed
   * message). Other fields of the handler's answer, such as a tumbling window's `state`,
   * are kept.
   */
  response(result: unknown): unknown {
    const own =
      isObject(result) && Array.isArray(result.batchItemFailures)
        ? result.batchItemFailures
        : undefined;
    for (const item of own ?? []) {
      const id = isObject(item) ? item.itemIdentifier : undefined;
      if (typeof id !== 'string' || !this.#known.has(id)) {
        throw new TypeError(
          `batchItemFailures names ${JSON.stringify(id)}, which is not an itemIdentifier of this batch`,
        );
      }
    }
    if (this.#failed.size === 0) return result === undefined ? { batchItemFailures: [] } : result;
    const listed = new Set((own ?? []).map((item) => (item as JsonObject).itemIdentifier));
    const added = [...this.#failed].filter((id) => !listed.has(id));
    return {
      ...(isObject(result) ? result : {}),
      batchItemFailures: [...(own ?? []), ...added.map((itemIdentifier) => ({ itemIdentifier }))],
    };
  }
}
