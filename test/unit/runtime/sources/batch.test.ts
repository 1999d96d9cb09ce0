import { describe, expect, it } from 'vitest';
import {
  BatchFailures,
  type BatchSourceKind,
  isBatchSource,
  recordIdentifier,
} from '../../../../runtime/sources/batch.js';
import { classifyEvent, type EventSourceKind } from '../../../../runtime/sources/classify.js';
import { describeAwsEvents } from '../../../support/aws-events.js';
import { loadAwsEvent } from './aws-events.js';

// Every case reads AWS's sample events: without them the file is one skipped test.
describeAwsEvents('batch sources on the AWS sample events', () => {
  type JsonObject = Record<string, unknown>;

  /** The SQS sample has one message: a second one, with its own id, makes partial failures visible. */
  function sqsBatch(): JsonObject {
    const event = loadAwsEvent('sqs-event');
    const [first] = event.Records as JsonObject[];
    event.Records = [first, { ...first, messageId: 'MessageID_2' }];
    return event;
  }

  const batches: readonly {
    name: string;
    kind: BatchSourceKind;
    event: () => JsonObject;
    ids: string[];
  }[] = [
    { name: 'SQS', kind: 'sqs', event: sqsBatch, ids: ['MessageID_1', 'MessageID_2'] },
    {
      name: 'Kinesis',
      kind: 'kinesis',
      event: () => loadAwsEvent('kinesis-event'),
      ids: [
        '49568167373333333333333333333333333333333333333333333333',
        '49568167373333333334444444444444444444444444444444444444',
      ],
    },
    {
      name: 'DynamoDB Streams',
      kind: 'dynamodb',
      event: () => loadAwsEvent('dynamodb-time-window-event'),
      ids: ['111', '222', '333'],
    },
  ];

  const records = (event: JsonObject) => event.Records as JsonObject[];

  describe.each(batches)('$name batches', ({ kind, event: load, ids }) => {
    it('are classified as a batch source', () => {
      const event = load();
      expect(classifyEvent(event)).toBe(kind);
      expect(isBatchSource(kind)).toBe(true);
    });

    it('identify each record by its service id', () => {
      expect(records(load()).map((record) => recordIdentifier(kind, record))).toEqual(ids);
    });

    it('answer an empty failure list when the handler returns nothing', () => {
      expect(new BatchFailures(kind, load()).response(undefined)).toEqual({
        batchItemFailures: [],
      });
    });

    it('collect failures by record and by id, once each, in call order', () => {
      const event = load();
      const batch = new BatchFailures(kind, event);
      const last = records(event).length - 1;
      batch.fail(records(event)[last]);
      batch.fail(ids[0]);
      batch.fail(ids[0]);
      expect(batch.response(undefined)).toEqual({
        batchItemFailures: [{ itemIdentifier: ids[last] }, { itemIdentifier: ids[0] }],
      });
    });

    it.each<[string, unknown]>([
      ['an unknown id', 'not-in-this-batch'],
      [
        'a record of another batch',
        { messageId: 'x', kinesis: { sequenceNumber: 'x' }, dynamodb: { SequenceNumber: 'x' } },
      ],
      ['a value that is no record', 42],
      ['null', null],
    ])('reject failing %s', (_label, value) => {
      const batch = new BatchFailures(kind, load());
      expect(() => batch.fail(value)).toThrow(/^failRecord: .* is not a record of this batch$/);
      expect(batch.response(undefined)).toEqual({ batchItemFailures: [] });
    });

    it("pass the handler's own valid batchItemFailures through", () => {
      const result = { batchItemFailures: [{ itemIdentifier: ids[0] }] };
      expect(new BatchFailures(kind, load()).response(result)).toBe(result);
    });

    it.each<[string, unknown]>([
      ['an unknown id', [{ itemIdentifier: 'nope' }]],
      ['a missing id', [{}]],
      ['an id that is not a string', [{ itemIdentifier: 7 }]],
      ['an item that is not an object', ['just-a-string']],
    ])('reject handler-returned batchItemFailures with %s', (_label, list) => {
      const batch = new BatchFailures(kind, load());
      expect(() => batch.response({ batchItemFailures: list })).toThrow(
        /^batchItemFailures names .*, which is not an itemIdentifier of this batch$/,
      );
    });

    it('merge failRecord calls into a list the handler returned', () => {
      const batch = new BatchFailures(kind, load());
      batch.fail(ids[1]);
      batch.fail(ids[0]);
      expect(batch.response({ batchItemFailures: [{ itemIdentifier: ids[0] }] })).toEqual({
        batchItemFailures: [{ itemIdentifier: ids[0] }, { itemIdentifier: ids[1] }],
      });
    });
  });

  describe('BatchFailures answers', () => {
    it.each<[string, BatchSourceKind, string[]]>([
      // Both of this sample's records carry the same sequence number.
      ['dynamodb-event', 'dynamodb', ['1405400000000002063282832', '1405400000000002063282832']],
      [
        'kinesis-time-window-event',
        'kinesis',
        ['49590338271490256608559692538361571095921575989136588898'],
      ],
    ])('fail records of the %s sample by record', (fixture, kind, ids) => {
      const event = loadAwsEvent(fixture);
      expect(classifyEvent(event)).toBe(kind);
      const batch = new BatchFailures(kind, event);
      for (const record of records(event)) batch.fail(record);
      expect(batch.response(undefined)).toEqual({
        batchItemFailures: [...new Set(ids)].map((itemIdentifier) => ({ itemIdentifier })),
      });
    });

    it('return what the handler returned when nothing failed', () => {
      const batch = new BatchFailures('sqs', sqsBatch());
      expect(batch.response('done')).toBe('done');
      expect(batch.response(null)).toBe(null);
    });

    it("replace a non-object result with the failures, and keep an object result's fields", () => {
      const batch = new BatchFailures('dynamodb', loadAwsEvent('dynamodb-time-window-event'));
      batch.fail('222');
      expect(batch.response('ignored')).toEqual({ batchItemFailures: [{ itemIdentifier: '222' }] });
      // A tumbling window handler returns its state alongside the failures.
      expect(batch.response({ state: { total: 3 } })).toEqual({
        state: { total: 3 },
        batchItemFailures: [{ itemIdentifier: '222' }],
      });
    });

    it('know no record of a batch without Records', () => {
      const batch = new BatchFailures('sqs', {});
      expect(() => batch.fail('MessageID_1')).toThrow(TypeError);
      expect(batch.response(undefined)).toEqual({ batchItemFailures: [] });
    });

    it.each<[BatchSourceKind, unknown]>([
      ['sqs', { messageId: 1 }],
      ['kinesis', { kinesis: 'not an object' }],
      ['dynamodb', { dynamodb: { sequenceNumber: 'wrong case' } }],
      ['sqs', 'MessageID_1'],
    ])('find no %s id in %j', (kind, record) => {
      expect(recordIdentifier(kind, record)).toBeUndefined();
    });

    it.each<[EventSourceKind, boolean]>([
      ['sqs', true],
      ['kinesis', true],
      ['dynamodb', true],
      ['sns', false],
      ['s3', false],
      ['records', false],
      ['apigateway-rest', false],
      ['direct', false],
    ])('isBatchSource(%s) is %s', (kind, expected) => {
      expect(isBatchSource(kind)).toBe(expected);
    });
  });
});
