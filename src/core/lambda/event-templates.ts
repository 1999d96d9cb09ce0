// Sample events for every source the runtime tells apart (runtime/sources/classify.ts), built
// as code rather than copied from AWS's samples: each is the smallest event that the source
// really sends and that the runtime classifies as that source, filled with values a handler
// can work with (a JSON body, a message, an object key), the caller's region and account, and
// the current time. The REPL offers them as starting points; scripts can use them in tests.
import type { EventSourceKind } from '../../../runtime/sources/classify.js';
import { LambdashError } from '../common/errors.js';

/** Named after the `context.eventSource` the runtime gives each one (`records` is only a fallback). */
export type EventTemplateName = Exclude<EventSourceKind, 'records'>;

export interface EventTemplate {
  readonly name: EventTemplateName;
  /** What a person picks from a list. */
  readonly title: string;
}

export interface EventTemplateOptions {
  /** Default us-east-1. */
  readonly region?: string;
  /** Default 123456789012 (AWS's documentation account). */
  readonly accountId?: string;
  /** The event's time; default now. */
  readonly now?: Date;
}

export type JsonEvent = { [key: string]: unknown };

interface Context {
  readonly region: string;
  readonly account: string;
  readonly now: Date;
}

const SAMPLE = { hello: 'world' };
const SAMPLE_TEXT = JSON.stringify(SAMPLE);
/** Fixed ids, as the Lambda console's test events have: the same template gives the same event. */
const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef';
const MESSAGE_ID = '059f36b4-87a3-44ab-83d2-661975830a7d';
const API_ID = 'abcdef1234';
/** MD5 of SAMPLE_TEXT: what SQS and S3 report for that body. */
const SAMPLE_MD5 = 'fbc24bcc7a1794758fc1327fcfebdaf6';

const BUILDERS: Readonly<Record<EventTemplateName, [string, (c: Context) => JsonEvent]>> = {
  direct: ['Direct invocation (any JSON)', () => ({ ...SAMPLE })],
  'apigateway-rest': ['API Gateway REST API (v1 proxy)', apiGatewayRest],
  'apigateway-http': ['API Gateway HTTP API (v2)', (c) => httpV2(c, 'api')],
  'function-url': ['Function URL', (c) => httpV2(c, 'url')],
  alb: ['Application Load Balancer', alb],
  'apigateway-websocket': ['API Gateway WebSocket message', webSocket],
  sqs: ['SQS message', sqs],
  sns: ['SNS notification', sns],
  s3: ['S3 object created', s3],
  dynamodb: ['DynamoDB stream insert', dynamodb],
  kinesis: ['Kinesis stream record', kinesis],
  eventbridge: ['EventBridge event', (c) => eventBridge(c, 'custom')],
  'eventbridge-scheduled': [
    'EventBridge / CloudWatch scheduled event',
    (c) => eventBridge(c, 'schedule'),
  ],
};

export const EVENT_TEMPLATES: readonly EventTemplate[] = Object.entries(BUILDERS).map(
  ([name, [title]]) => ({ name: name as EventTemplateName, title }),
);

/** A fresh event from the named template (a new object each call: change it freely). */
export function createEventFromTemplate(
  name: EventTemplateName,
  options: EventTemplateOptions = {},
): JsonEvent {
  const builder = Object.hasOwn(BUILDERS, name) ? BUILDERS[name] : undefined;
  if (!builder) {
    throw new LambdashError(
      'INVALID_OPTION',
      `There is no event template named "${name}".`,
      `Use one of: ${EVENT_TEMPLATES.map((t) => t.name).join(', ')}.`,
    );
  }
  return builder[1]({
    region: options.region ?? 'us-east-1',
    account: options.accountId ?? '123456789012',
    now: options.now ?? new Date(),
  });
}

function apiGatewayRest(c: Context): JsonEvent {
  const host = `${API_ID}.execute-api.${c.region}.amazonaws.com`;
  const headers = httpHeaders(host);
  return {
    resource: '/{proxy+}',
    path: '/hello',
    httpMethod: 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: 'hello' },
    stageVariables: null,
    requestContext: {
      accountId: c.account,
      apiId: API_ID,
      resourceId: 'a1b2c3',
      resourcePath: '/{proxy+}',
      httpMethod: 'POST',
      path: '/prod/hello',
      stage: 'prod',
      domainName: host,
      domainPrefix: API_ID,
      requestId: REQUEST_ID,
      protocol: 'HTTP/1.1',
      identity: { sourceIp: '203.0.113.10', userAgent: 'curl/8.5.0' },
      requestTime: clfTime(c.now),
      requestTimeEpoch: c.now.getTime(),
    },
    body: SAMPLE_TEXT,
    isBase64Encoded: false,
  };
}

function httpV2(c: Context, kind: 'api' | 'url'): JsonEvent {
  const host =
    kind === 'api'
      ? `${API_ID}.execute-api.${c.region}.amazonaws.com`
      : `${API_ID}.lambda-url.${c.region}.on.aws`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/hello',
    rawQueryString: '',
    headers: httpHeaders(host),
    requestContext: {
      accountId: kind === 'api' ? c.account : 'anonymous',
      apiId: API_ID,
      domainName: host,
      domainPrefix: API_ID,
      http: {
        method: 'POST',
        path: '/hello',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.10',
        userAgent: 'curl/8.5.0',
      },
      requestId: REQUEST_ID,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(c.now),
      timeEpoch: c.now.getTime(),
    },
    body: SAMPLE_TEXT,
    isBase64Encoded: false,
  };
}

function alb(c: Context): JsonEvent {
  return {
    requestContext: {
      elb: {
        targetGroupArn: `arn:aws:elasticloadbalancing:${c.region}:${c.account}:targetgroup/lambda-target/0123456789abcdef`,
      },
    },
    httpMethod: 'POST',
    path: '/hello',
    queryStringParameters: {},
    headers: {
      ...httpHeaders(`my-alb-1234567890.${c.region}.elb.amazonaws.com`),
      'x-forwarded-port': '80',
      'x-forwarded-proto': 'http',
    },
    body: SAMPLE_TEXT,
    isBase64Encoded: false,
  };
}

function webSocket(c: Context): JsonEvent {
  return {
    requestContext: {
      routeKey: '$default',
      eventType: 'MESSAGE',
      messageId: 'ZjNxsfLeIAMCJJw=',
      extendedRequestId: 'ZjNxsHFaoAMFZqg=',
      requestTime: clfTime(c.now),
      messageDirection: 'IN',
      stage: 'prod',
      connectedAt: c.now.getTime() - 60_000,
      requestTimeEpoch: c.now.getTime(),
      identity: { sourceIp: '203.0.113.10' },
      requestId: REQUEST_ID,
      domainName: `${API_ID}.execute-api.${c.region}.amazonaws.com`,
      connectionId: 'ZjNxqcwRoAMCJJw=',
      apiId: API_ID,
    },
    body: SAMPLE_TEXT,
    isBase64Encoded: false,
  };
}

function sqs(c: Context): JsonEvent {
  return {
    Records: [
      {
        messageId: MESSAGE_ID,
        receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
        body: SAMPLE_TEXT,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(c.now.getTime()),
          SenderId: 'AIDAIENQZJOLO23YVJ4VO',
          ApproximateFirstReceiveTimestamp: String(c.now.getTime()),
        },
        messageAttributes: {},
        md5OfBody: SAMPLE_MD5,
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${c.region}:${c.account}:my-queue`,
        awsRegion: c.region,
      },
    ],
  };
}

function sns(c: Context): JsonEvent {
  const topic = `arn:aws:sns:${c.region}:${c.account}:my-topic`;
  return {
    Records: [
      {
        EventVersion: '1.0',
        EventSubscriptionArn: `${topic}:${MESSAGE_ID}`,
        EventSource: 'aws:sns',
        Sns: {
          SignatureVersion: '1',
          Timestamp: c.now.toISOString(),
          Signature: 'EXAMPLE',
          SigningCertUrl: `https://sns.${c.region}.amazonaws.com/SimpleNotificationService.pem`,
          MessageId: MESSAGE_ID,
          Message: SAMPLE_TEXT,
          MessageAttributes: {},
          Type: 'Notification',
          UnsubscribeUrl: `https://sns.${c.region}.amazonaws.com/?Action=Unsubscribe`,
          TopicArn: topic,
          Subject: 'Hello',
        },
      },
    ],
  };
}

function s3(c: Context): JsonEvent {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: c.region,
        eventTime: c.now.toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AIDAINPONIXQXHT3IKHL2' },
        requestParameters: { sourceIPAddress: '203.0.113.10' },
        responseElements: {
          'x-amz-request-id': 'C3D13FE58DE4C810',
          'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'on-upload',
          bucket: {
            name: 'my-bucket',
            ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
            arn: 'arn:aws:s3:::my-bucket',
          },
          object: {
            key: 'uploads/hello.json',
            size: SAMPLE_TEXT.length,
            eTag: SAMPLE_MD5,
            sequencer: '0A1B2C3D4E5F678901',
          },
        },
      },
    ],
  };
}

function dynamodb(c: Context): JsonEvent {
  return {
    Records: [
      {
        eventID: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d',
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: c.region,
        dynamodb: {
          ApproximateCreationDateTime: Math.floor(c.now.getTime() / 1000),
          Keys: { id: { S: '1' } },
          NewImage: { id: { S: '1' }, hello: { S: 'world' } },
          SequenceNumber: '111100000000000000000001',
          SizeBytes: 26,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: `arn:aws:dynamodb:${c.region}:${c.account}:table/my-table/stream/${c.now.toISOString().replace(/Z$/, '')}`,
      },
    ],
  };
}

function kinesis(c: Context): JsonEvent {
  const sequence = '49590338271490256608559692538361571095921575989136588898';
  return {
    Records: [
      {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: '1',
          sequenceNumber: sequence,
          data: Buffer.from(SAMPLE_TEXT).toString('base64'),
          approximateArrivalTimestamp: c.now.getTime() / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequence}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: `arn:aws:iam::${c.account}:role/lambda-kinesis-role`,
        awsRegion: c.region,
        eventSourceARN: `arn:aws:kinesis:${c.region}:${c.account}:stream/my-stream`,
      },
    ],
  };
}

function eventBridge(c: Context, kind: 'custom' | 'schedule'): JsonEvent {
  const base = {
    version: '0',
    id: REQUEST_ID,
    account: c.account,
    // EventBridge's times have no milliseconds.
    time: c.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: c.region,
  };
  return kind === 'schedule'
    ? {
        ...base,
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        resources: [`arn:aws:events:${c.region}:${c.account}:rule/my-schedule`],
        detail: {},
      }
    : {
        ...base,
        'detail-type': 'Hello Sent',
        source: 'com.example.app',
        resources: [],
        detail: { ...SAMPLE },
      };
}

function httpHeaders(host: string): Record<string, string> {
  return {
    accept: '*/*',
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(SAMPLE_TEXT)),
    host,
    'user-agent': 'curl/8.5.0',
    'x-forwarded-for': '203.0.113.10',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's request time: `21/Apr/2020:15:08:21 +0000` (UTC). */
function clfTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}
