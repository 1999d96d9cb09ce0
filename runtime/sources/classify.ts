// Which service sent an event, decided by the event's structure (fields and their types),
// never by searching its text: a user's payload that merely mentions "aws:sqs" stays direct.

export type EventSourceKind =
  | 'direct'
  | 'apigateway-rest'
  | 'apigateway-http'
  | 'function-url'
  | 'alb'
  | 'apigateway-websocket'
  | 'sqs'
  | 'sns'
  | 's3'
  | 'dynamodb'
  | 'kinesis'
  | 'eventbridge-scheduled'
  | 'eventbridge'
  | 'records';

export type HttpSourceKind =
  | 'apigateway-rest'
  | 'apigateway-http'
  | 'function-url'
  | 'alb'
  | 'apigateway-websocket';

const RECORD_SOURCES: Readonly<Record<string, EventSourceKind>> = {
  'aws:sqs': 'sqs',
  'aws:sns': 'sns',
  'aws:s3': 's3',
  'aws:dynamodb': 'dynamodb',
  'aws:kinesis': 'kinesis',
};

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function classifyEvent(event: unknown): EventSourceKind {
  if (!isObject(event)) return 'direct';
  const context = event.requestContext;
  if (isObject(context)) {
    // Lambda authorizers get the request too, but answer with a policy, not an HTTP response.
    if (isAuthorizerRequest(event)) return 'direct';
    if (isObject(context.elb)) return 'alb';
    if (typeof context.connectionId === 'string' && typeof context.eventType === 'string') {
      return 'apigateway-websocket';
    }
    if (event.version === '2.0' && isObject(context.http)) {
      return isFunctionUrl(event, context) ? 'function-url' : 'apigateway-http';
    }
    if (typeof event.httpMethod === 'string' && typeof event.resource === 'string') {
      return 'apigateway-rest';
    }
  }
  const records = event.Records;
  if (Array.isArray(records) && records.length > 0 && isObject(records[0])) {
    const first = records[0];
    const source = first.eventSource ?? first.EventSource;
    return (typeof source === 'string' && RECORD_SOURCES[source]) || 'records';
  }
  if (
    typeof event['detail-type'] === 'string' &&
    typeof event.source === 'string' &&
    typeof event.id === 'string' &&
    'detail' in event
  ) {
    return event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event'
      ? 'eventbridge-scheduled'
      : 'eventbridge';
  }
  return 'direct';
}

export function isHttpSource(kind: EventSourceKind): kind is HttpSourceKind {
  return (
    kind === 'apigateway-rest' ||
    kind === 'apigateway-http' ||
    kind === 'function-url' ||
    kind === 'alb' ||
    kind === 'apigateway-websocket'
  );
}

// REST API authorizers carry `methodArn`, HTTP API ones `routeArn`, both with a `type`
// (TOKEN or REQUEST); proxy integrations have neither.
function isAuthorizerRequest(event: JsonObject): boolean {
  return (
    typeof event.type === 'string' &&
    (typeof event.methodArn === 'string' || typeof event.routeArn === 'string')
  );
}

// Function URLs send HTTP API's v2 payload. They have no route: the service leaves out
// `routeKey` or sets `$default`, and their domain is `<id>.lambda-url.<region>.on.aws`.
function isFunctionUrl(event: JsonObject, context: JsonObject): boolean {
  const domain = typeof context.domainName === 'string' ? context.domainName.split('.') : [];
  if (domain[1] === 'lambda-url') return true;
  return event.routeKey === undefined && context.stage === undefined;
}
