import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classifyEvent, isHttpSource } from '../../../runtime/sources/classify.js';
import { normalizeHttpRequest } from '../../../runtime/sources/http-request.js';
import { isLambdashError } from '../../../src/core/common/errors.js';
import {
  createEventFromTemplate,
  EVENT_TEMPLATES,
  type EventTemplateName,
} from '../../../src/core/lambda/event-templates.js';

const now = new Date('2026-03-04T05:06:07.089Z');
const options = { region: 'eu-west-3', accountId: '210987654321', now };

describe('event templates', () => {
  it('cover every source the runtime tells apart, except the catch-all "records"', () => {
    expect(EVENT_TEMPLATES.map((t) => t.name)).toEqual([
      'direct',
      'apigateway-rest',
      'apigateway-http',
      'function-url',
      'alb',
      'apigateway-websocket',
      'sqs',
      'sns',
      's3',
      'dynamodb',
      'kinesis',
      'eventbridge',
      'eventbridge-scheduled',
    ]);
    for (const template of EVENT_TEMPLATES) expect(template.title.length).toBeGreaterThan(3);
  });

  it.each(EVENT_TEMPLATES.map((t) => t.name))(
    '%s is classified by the runtime as its source',
    (name) => {
      expect(classifyEvent(createEventFromTemplate(name, options))).toBe(name);
      // As sent: through JSON, the way the REPL sends it.
      expect(classifyEvent(JSON.parse(JSON.stringify(createEventFromTemplate(name))))).toBe(name);
    },
  );

  it.each(
    EVENT_TEMPLATES.map((t) => t.name).filter((name) =>
      isHttpSource(classifyEvent(createEventFromTemplate(name))),
    ),
  )('%s reaches an HTTP handler with the sample body', (name) => {
    const kind = classifyEvent(createEventFromTemplate(name));
    if (!isHttpSource(kind)) throw new Error('not HTTP');
    const request = normalizeHttpRequest(kind, createEventFromTemplate(name, options));
    if (kind === 'apigateway-websocket') {
      // A WebSocket frame has no content type: the handler gets the text.
      expect([request.method, request.path]).toEqual(['MESSAGE', '$default']);
      expect(request.body).toBe('{"hello":"world"}');
    } else {
      expect([request.method, request.path]).toEqual(['POST', '/hello']);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.body).toEqual({ hello: 'world' });
    }
    expect(request.sourceIp).toBe('203.0.113.10');
  });

  it('fill in the region, the account and the time', () => {
    const sqs = createEventFromTemplate('sqs', options) as { Records: Record<string, unknown>[] };
    expect(sqs.Records[0]).toMatchObject({
      eventSourceARN: 'arn:aws:sqs:eu-west-3:210987654321:my-queue',
      awsRegion: 'eu-west-3',
      attributes: { SentTimestamp: String(now.getTime()) },
    });
    expect(createEventFromTemplate('apigateway-rest', options).requestContext).toMatchObject({
      accountId: '210987654321',
      domainName: 'abcdef1234.execute-api.eu-west-3.amazonaws.com',
      requestTime: '04/Mar/2026:05:06:07 +0000',
      requestTimeEpoch: now.getTime(),
    });
    expect(createEventFromTemplate('function-url', options).requestContext).toMatchObject({
      domainName: 'abcdef1234.lambda-url.eu-west-3.on.aws',
      timeEpoch: now.getTime(),
    });
    expect(createEventFromTemplate('eventbridge-scheduled', options)).toMatchObject({
      time: '2026-03-04T05:06:07Z',
      region: 'eu-west-3',
      account: '210987654321',
      resources: ['arn:aws:events:eu-west-3:210987654321:rule/my-schedule'],
    });
    const s3 = createEventFromTemplate('s3', options) as { Records: Record<string, unknown>[] };
    expect(s3.Records[0]?.eventTime).toBe('2026-03-04T05:06:07.089Z');
  });

  it('default to us-east-1 and the documentation account', () => {
    const event = createEventFromTemplate('sns') as { Records: { Sns: { TopicArn: string } }[] };
    expect(event.Records[0]?.Sns.TopicArn).toBe('arn:aws:sns:us-east-1:123456789012:my-topic');
  });

  it('carry payloads that decode to the sample, with the digests the services report', () => {
    const body = '{"hello":"world"}';
    const md5 = createHash('md5').update(body).digest('hex');
    const sqs = createEventFromTemplate('sqs') as {
      Records: { body: string; md5OfBody: string }[];
    };
    expect([sqs.Records[0]?.body, sqs.Records[0]?.md5OfBody]).toEqual([body, md5]);
    const kinesis = createEventFromTemplate('kinesis') as {
      Records: { kinesis: { data: string } }[];
    };
    expect(Buffer.from(kinesis.Records[0]?.kinesis.data ?? '', 'base64').toString()).toBe(body);
    const s3 = createEventFromTemplate('s3') as {
      Records: { s3: { object: { eTag: string; size: number } } }[];
    };
    expect(s3.Records[0]?.s3.object).toMatchObject({ eTag: md5, size: body.length });
    expect(createEventFromTemplate('eventbridge').detail).toEqual({ hello: 'world' });
    expect(createEventFromTemplate('direct')).toEqual({ hello: 'world' });
  });

  it('give a new object on each call', () => {
    const first = createEventFromTemplate('direct');
    first.hello = 'changed';
    expect(createEventFromTemplate('direct')).toEqual({ hello: 'world' });
    expect(createEventFromTemplate('alb', options)).toEqual(
      createEventFromTemplate('alb', options),
    );
  });

  it('refuse an unknown name with the list of known ones', () => {
    let caught: unknown;
    try {
      createEventFromTemplate('toString' as EventTemplateName);
    } catch (error) {
      caught = error;
    }
    expect(isLambdashError(caught, 'INVALID_OPTION')).toBe(true);
    expect((caught as Error).message).toBe('There is no event template named "toString".');
    expect((caught as { hint: string }).hint).toContain('direct, apigateway-rest,');
  });
});
