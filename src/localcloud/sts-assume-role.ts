// STS AssumeRole: temporary credentials of a role in the local IAM, minted by the data
// folder's CredentialAuthority. Parameters are checked as STS checks them, with its error codes
// and messages. The role's trust policy and session policies are not evaluated (the local cloud
// evaluates no IAM policy), so a caller may assume any role the local IAM holds.
import type { CredentialAuthority } from './credentials.js';
import type { IamService } from './iam.js';
import { xmlEscape } from './server.js';
import { ACCOUNT_ID, type RequestContext, ServiceError } from './service.js';
import { validationError, violations } from './validation.js';

export interface AssumeRoleDeps {
  readonly authority: CredentialAuthority;
  /** Looked up at each call: IAM starts after STS. */
  readonly iam?: IamService;
}

/** STS's bounds on DurationSeconds; a role's MaxSessionDuration narrows the upper one. */
const MIN_SESSION_SECONDS = 900;
const MAX_SESSION_SECONDS = 43_200;
const DEFAULT_SESSION_SECONDS = 3600;
/** STS caps a session whose caller is itself a role session (role chaining) at an hour. */
const CHAINED_SESSION_SECONDS = 3600;

const ARN_CHARACTERS =
  /^[\t\n\r\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u;
const SESSION_NAME = /^[\w+=,.@-]*$/;
const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/.+$/;

/** The inner XML of `<AssumeRoleResult>`. */
export function assumeRole(
  deps: AssumeRoleDeps,
  params: URLSearchParams,
  context?: RequestContext,
): string {
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  const durationText = params.get('DurationSeconds');
  const problems = [
    ...violations('roleArn', roleArn, [
      [
        roleArn !== null && roleArn.length < 20,
        'Member must have length greater than or equal to 20',
      ],
      [
        roleArn !== null && roleArn.length > 2048,
        'Member must have length less than or equal to 2048',
      ],
      [
        roleArn !== null && !ARN_CHARACTERS.test(roleArn),
        'Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+',
      ],
    ]),
    ...violations('roleSessionName', sessionName, [
      [
        sessionName !== null && sessionName.length < 2,
        'Member must have length greater than or equal to 2',
      ],
      [
        sessionName !== null && sessionName.length > 64,
        'Member must have length less than or equal to 64',
      ],
      [
        sessionName !== null && !SESSION_NAME.test(sessionName),
        'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
      ],
    ]),
  ];
  let duration = DEFAULT_SESSION_SECONDS;
  if (durationText !== null) {
    duration = /^-?\d+$/.test(durationText) ? Number(durationText) : Number.NaN;
    problems.push(
      ...violations('durationSeconds', durationText, [
        [Number.isNaN(duration), 'Member must be an integer'],
        [
          duration < MIN_SESSION_SECONDS,
          `Member must have value greater than or equal to ${MIN_SESSION_SECONDS}`,
        ],
        [
          duration > MAX_SESSION_SECONDS,
          `Member must have value less than or equal to ${MAX_SESSION_SECONDS}`,
        ],
      ]),
    );
  }
  if (problems.length > 0) throw validationError('ValidationError', problems);
  // Both were checked for null above.
  const arn = roleArn as string;
  const session = sessionName as string;
  if (!ROLE_ARN.test(arn)) throw new ServiceError('ValidationError', `${arn} is invalid`);

  const callerArn = context?.caller.arn ?? `arn:aws:iam::${ACCOUNT_ID}:root`;
  const role = deps.iam?.findRole(arn);
  if (!role) {
    throw new ServiceError(
      'AccessDenied',
      `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${arn} (the local IAM has no role with this ARN)`,
      403,
    );
  }
  if (duration > role.MaxSessionDuration) {
    throw new ServiceError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  if (callerArn.includes(':assumed-role/') && duration > CHAINED_SESSION_SECONDS) {
    throw new ServiceError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }

  const credentials = deps.authority.issueSession(role.Arn, session, duration, role.RoleId);
  // As STS: the session ARN names the role without its path.
  const sessionArn = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${role.RoleName}/${session}`;
  return (
    '<Credentials>' +
    `<AccessKeyId>${credentials.accessKeyId}</AccessKeyId>` +
    `<SecretAccessKey>${xmlEscape(credentials.secretAccessKey)}</SecretAccessKey>` +
    `<SessionToken>${xmlEscape(credentials.sessionToken)}</SessionToken>` +
    `<Expiration>${credentials.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration>` +
    '</Credentials>' +
    '<AssumedRoleUser>' +
    `<AssumedRoleId>${xmlEscape(`${role.RoleId}:${session}`)}</AssumedRoleId>` +
    `<Arn>${xmlEscape(sessionArn)}</Arn>` +
    '</AssumedRoleUser>'
  );
}
