import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyEvent, type EventSourceKind } from '../../../../runtime/sources/classify.js';
import { describeAwsEvents } from '../../../support/aws-events.js';
import { awsEventsDir } from '../../../support/paths.js';

// Every sample event AWS publishes, by file name. Each was decided by reading the JSON, not
// the name: e.g. ses-sns-event is an SES record (Records[0].eventSource "aws:ses"), and the
// authorizer requests carry requestContext but must not be answered as HTTP.
const expected: Readonly<Record<string, EventSourceKind | 'invalid-json'>> = {
  'apigw-request.json': 'apigateway-rest',
  'apigw-restapi-openapi-request.json': 'apigateway-rest',

  'apigw-v2-request-iam.json': 'apigateway-http',
  'apigw-v2-request-jwt-authorizer.json': 'apigateway-http',
  'apigw-v2-request-lambda-authorizer.json': 'apigateway-http',
  'apigw-v2-request-no-authorizer.json': 'apigateway-http',

  'lambda-urls-request.json': 'function-url',

  'alb-lambda-target-request-headers-only.json': 'alb',
  'alb-lambda-target-request-multivalue-headers.json': 'alb',

  'apigw-websocket-request.json': 'apigateway-websocket',
  'apigw-websocket-request-disconnect.json': 'apigateway-websocket',
  'apigw-websocket-request-send-message.json': 'apigateway-websocket',

  'sqs-event.json': 'sqs',

  'sns-event.json': 'sns',
  'cloudwatch-alarm-sns-payload-multiple-metrics.json': 'sns',
  'cloudwatch-alarm-sns-payload-single-metric.json': 'sns',

  's3-event.json': 's3',
  's3-event-with-decoded.json': 's3',
  's3-glacier-event.json': 's3',
  's3-intelligenttier-event.json': 's3',
  's3-lifecycle-event.json': 's3',
  's3-replication-event.json': 's3',
  's3-restore-event.json': 's3',

  'dynamodb-event.json': 'dynamodb',
  'dynamodb-time-window-event.json': 'dynamodb',

  'kinesis-event.json': 'kinesis',
  'kinesis-time-window-event.json': 'kinesis',

  'autoscaling-event-launch-successful.json': 'eventbridge',
  'autoscaling-event-launch-unsuccessful.json': 'eventbridge',
  'autoscaling-event-lifecycle-action.json': 'eventbridge',
  'autoscaling-event-terminate-action.json': 'eventbridge',
  'autoscaling-event-terminate-successful.json': 'eventbridge',
  'autoscaling-event-terminate-unsuccessful.json': 'eventbridge',
  'codebuild-phase-change.json': 'eventbridge',
  'codebuild-state-change.json': 'eventbridge',
  'codedeploy-deployment-event.json': 'eventbridge',
  'codedeploy-instance-event.json': 'eventbridge',
  'codepipeline-action-execution-stage-change-event.json': 'eventbridge',
  'codepipeline-execution-stage-change-event.json': 'eventbridge',
  'codepipeline-execution-state-change-event.json': 'eventbridge',
  'ecr-image-push-event.json': 'eventbridge',
  'ecr-image-scan-event.json': 'eventbridge',
  'ecs-container-instance-state-change.json': 'eventbridge',

  // Records from services without a dedicated kind.
  'code-commit-event.json': 'records',
  'ses-lambda-event.json': 'records',
  'ses-s3-event.json': 'records',
  'ses-sns-event.json': 'records',

  // Authorizers: requestContext and HTTP fields, but the answer is a policy.
  'apigw-custom-auth-request.json': 'direct',
  'apigw-custom-auth-request-type-request.json': 'direct',
  'apigw-v2-custom-authorizer-v1-request.json': 'direct',
  'apigw-v2-custom-authorizer-v2-request.json': 'direct',
  'appsync-lambda-auth-request.json': 'direct',
  'iot-custom-auth-request.json': 'direct',

  // Everything else is invoked directly by its service and answered as-is.
  'activemq-event.json': 'direct',
  'appsync-identity-cognito.json': 'direct',
  'appsync-identity-iam.json': 'direct',
  'clientvpn-connectionhandler-request.json': 'direct',
  'cloudwatch-logs-event.json': 'direct',
  'codepipeline-job-event.json': 'direct',
  'cognito-event.json': 'direct',
  'cognito-event-userpools-create-auth-challenge.json': 'direct',
  'cognito-event-userpools-custommessage.json': 'direct',
  'cognito-event-userpools-define-auth-challenge.json': 'direct',
  'cognito-event-userpools-inbound-federation-oidc.json': 'direct',
  'cognito-event-userpools-inbound-federation-saml.json': 'direct',
  'cognito-event-userpools-migrateuser.json': 'direct',
  'cognito-event-userpools-postauthentication.json': 'direct',
  'cognito-event-userpools-postconfirmation.json': 'direct',
  'cognito-event-userpools-preauthentication.json': 'direct',
  'cognito-event-userpools-presignup.json': 'direct',
  'cognito-event-userpools-pretokengen.json': 'direct',
  'cognito-event-userpools-pretokengen-v2.json': 'direct',
  'cognito-event-userpools-pretokengen-v2_0.json': 'direct',
  'cognito-event-userpools-verify-auth-challenge.json': 'direct',
  'config-event.json': 'direct',
  'connect-event.json': 'direct',
  'iot-1-click-event.json': 'direct',
  'iot-button-event.json': 'direct',
  'iot-preprovision-hook-request.json': 'direct',
  'kafka-event.json': 'direct',
  'kinesis-analytics-output-delivery-event.json': 'direct',
  'kinesis-firehose-event.json': 'direct',
  'lex-event.json': 'direct',
  'rabbitmq-event.json': 'direct',
  's3-batch-job-event-request-1.0.json': 'direct',
  's3-batch-job-event-request-2.0.json': 'direct',
  's3-object-lambda-event-get-object-assumed-role.json': 'direct',
  's3-object-lambda-event-get-object-iam.json': 'direct',
  's3-object-lambda-event-head-object-iam.json': 'direct',
  's3-object-lambda-event-list-objects-iam.json': 'direct',
  's3-object-lambda-event-list-objects-v2-iam.json': 'direct',
  'secretsmanager-secret-rotation-event.json': 'direct',

  // Deliberately truncated by AWS to test parse errors: never reaches the classifier.
  'dynamodb-event-malformed.2.json': 'invalid-json',
};

describeAwsEvents('classifyEvent on the AWS sample events', () => {
  const fixtureFiles = readdirSync(awsEventsDir)
    .filter((name) => name.endsWith('.json'))
    .sort();

  it('has an expectation for every sample file, and no stale ones', () => {
    expect(fixtureFiles).toEqual(Object.keys(expected).sort());
  });

  it.each(fixtureFiles)('%s', (name) => {
    const text = readFileSync(join(awsEventsDir, name), 'utf8');
    const want = expected[name];
    if (want === 'invalid-json') {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      return;
    }
    expect(classifyEvent(JSON.parse(text))).toBe(want);
  });
});

describe('classifyEvent on built events', () => {
  const scheduled = {
    version: '0',
    id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '2015-10-08T16:53:06Z',
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule'],
    detail: {},
  };

  it.each<[string, unknown, EventSourceKind]>([
    ['a scheduled EventBridge event', scheduled, 'eventbridge-scheduled'],
    ['a custom event named "Scheduled Event"', { ...scheduled, source: 'my.app' }, 'eventbridge'],
    ['an aws.events event of another type', { ...scheduled, 'detail-type': 'X' }, 'eventbridge'],
    ['an EventBridge-like event without detail', withoutKey(scheduled, 'detail'), 'direct'],
    ['an EventBridge-like event without id', withoutKey(scheduled, 'id'), 'direct'],
    [
      'a payload that mentions "aws:sqs"',
      { note: 'from aws:sqs', eventSource: 'aws:sqs' },
      'direct',
    ],
    ['a payload whose nested value says aws:sns', { data: { Records: 'aws:sns' } }, 'direct'],
    ['Records that is not an array', { Records: { eventSource: 'aws:sqs' } }, 'direct'],
    ['an empty Records array', { Records: [] }, 'direct'],
    ['Records of scalars', { Records: ['aws:sqs'] }, 'direct'],
    ['Records without a source', { Records: [{ id: 1 }] }, 'records'],
    ['Records with an unknown source', { Records: [{ eventSource: 'aws:mq' }] }, 'records'],
    ['Records whose source is not a string', { Records: [{ eventSource: 1 }] }, 'records'],
    ['a requestContext with nothing HTTP', { requestContext: { requestId: 'x' } }, 'direct'],
    ['a v2 payload with no route or stage', v2({}), 'function-url'],
    [
      'a v2 payload on an execute-api domain',
      v2({
        routeKey: 'GET /x',
        stage: '$default',
        domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
      }),
      'apigateway-http',
    ],
    [
      'a v2 payload on a lambda-url domain',
      v2({
        routeKey: '$default',
        stage: '$default',
        domainName: 'abc.lambda-url.eu-west-1.on.aws',
      }),
      'function-url',
    ],
    ['a v1 payload missing resource', { httpMethod: 'GET', requestContext: {} }, 'direct'],
    ['null', null, 'direct'],
    ['undefined', undefined, 'direct'],
    ['an array', [{ Records: [{ eventSource: 'aws:sqs' }] }], 'direct'],
    ['a number', 42, 'direct'],
    ['a string', '{"Records":[{"eventSource":"aws:sqs"}]}', 'direct'],
    ['a boolean', true, 'direct'],
  ])('%s → %s', (_label, event, kind) => {
    expect(classifyEvent(event)).toBe(kind);
  });
});

function withoutKey(event: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...event };
  delete copy[key];
  return copy;
}

function v2(context: { routeKey?: string; stage?: string; domainName?: string }): unknown {
  const { routeKey, ...requestContext } = context;
  return {
    version: '2.0',
    ...(routeKey === undefined ? {} : { routeKey }),
    rawPath: '/',
    requestContext: { ...requestContext, http: { method: 'GET', path: '/' } },
  };
}
