// IAM roles, as far as deploying a Lambda function needs them: create, read, list, delete, and
// managed policies attached by ARN. Names, paths and documents are validated the way IAM does,
// with IAM's error codes, so the SDK raises the same typed exceptions it would against AWS.
import { randomInt } from 'node:crypto';
import { xmlEscape } from './server.js';
import { ACCOUNT_ID, type QueryService, ServiceError } from './service.js';
import type { Store } from './store.js';
import {
  checkPattern as checkPatternAs,
  checkRange,
  must,
  validationError,
  violation,
} from './validation.js';

export const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface AttachedPolicy {
  readonly PolicyName: string;
  readonly PolicyArn: string;
}

/** A role as stored: the trust policy as the caller wrote it (IAM returns it URL-encoded). */
export interface RoleRecord {
  readonly RoleName: string;
  readonly RoleId: string;
  readonly Arn: string;
  readonly Path: string;
  readonly CreateDate: string;
  readonly AssumeRolePolicyDocument: string;
  readonly Description?: string;
  readonly MaxSessionDuration: number;
  readonly Tags: readonly Tag[];
  readonly AttachedPolicies: readonly AttachedPolicy[];
}

export interface IamService extends QueryService {
  /** A role by name (IAM names are case-insensitive) or by ARN, for the services that take one. */
  findRole(nameOrArn: string): RoleRecord | undefined;
}

/** IAM's default quota of managed policies per role. */
export const MAX_POLICIES_PER_ROLE = 10;
const MAX_TAGS = 50;

const ROLE_NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
const PATH_PREFIX = /^\/[\u0021-\u007F]*$/;
const POLICY_DOCUMENT = /^[\t\n\r\u0020-\u00FF]+$/;
const DESCRIPTION = /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** arn:aws:iam::<aws|account>:policy<path><name>; the path is `/` or `/.../`. */
const POLICY_ARN =
  /^arn:aws:iam::(aws|\d{12}):policy((?:\/[\u0021-\u007E]+)?\/)([\w+=,.@-]{1,128})$/;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(?:\/[\u0021-\u007E]+)?\/([\w+=,.@-]{1,64})$/;

export function createIamService(roles: Store<RoleRecord>): IamService {
  const findRole = (nameOrArn: string): RoleRecord | undefined => {
    const arn = ROLE_ARN.exec(nameOrArn);
    if (arn) {
      const role = arn[1] === ACCOUNT_ID ? roles.get(roleKey(arn[2] ?? '')) : undefined;
      return role?.Arn === nameOrArn ? role : undefined;
    }
    return roles.get(roleKey(nameOrArn));
  };

  const existingRole = (params: URLSearchParams): RoleRecord => {
    const name = roleNameParam(params);
    const role = roles.get(roleKey(name));
    if (!role) throw noSuchRole(name);
    return role;
  };

  const actions: Record<string, (params: URLSearchParams) => Promise<string>> = {
    async CreateRole(params) {
      const name = roleNameParam(params);
      const path = optional(params, 'Path') ?? '/';
      checkLength(path, 'path', 1, 512);
      checkPattern(path, 'path', PATH, '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)');
      const document = required(params, 'AssumeRolePolicyDocument', 'assumeRolePolicyDocument');
      checkLength(document, 'assumeRolePolicyDocument', 1, 131072);
      checkPattern(
        document,
        'assumeRolePolicyDocument',
        POLICY_DOCUMENT,
        '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
      );
      checkPolicyDocument(document);
      const description = optional(params, 'Description');
      if (description !== undefined) {
        checkLength(description, 'description', 0, 1000);
        checkPattern(
          description,
          'description',
          DESCRIPTION,
          '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*',
        );
      }
      const maxSession = integerParam(
        params,
        'MaxSessionDuration',
        'maxSessionDuration',
        3600,
        43200,
      );
      const tags = tagsParam(params);
      if (roles.has(roleKey(name))) {
        throw new ServiceError(
          'EntityAlreadyExists',
          `Role with name ${name} already exists.`,
          409,
        );
      }
      const role: RoleRecord = {
        RoleName: name,
        RoleId: `AROA${randomId(17)}`,
        Arn: `arn:aws:iam::${ACCOUNT_ID}:role${path}${name}`,
        Path: path,
        CreateDate: isoSeconds(new Date()),
        AssumeRolePolicyDocument: document,
        ...(description !== undefined ? { Description: description } : {}),
        MaxSessionDuration: maxSession ?? 3600,
        Tags: tags,
        AttachedPolicies: [],
      };
      await roles.set(roleKey(name), role);
      return `<Role>${roleXml(role, true)}</Role>`;
    },

    async GetRole(params) {
      return `<Role>${roleXml(existingRole(params), true)}</Role>`;
    },

    async ListRoles(params) {
      const prefix = pathPrefixParam(params);
      const matching = roles
        .values()
        .filter((role) => role.Path.startsWith(prefix))
        .sort((a, b) => compareKeys(roleKey(a.RoleName), roleKey(b.RoleName)));
      const page = paginate(params, matching, (role) => roleKey(role.RoleName));
      // ListRoles leaves out tags, as IAM's does.
      return `<Roles>${page.items.map((role) => `<member>${roleXml(role, false)}</member>`).join('')}</Roles>${page.xml}`;
    },

    async DeleteRole(params) {
      const role = existingRole(params);
      if (role.AttachedPolicies.length > 0) {
        throw new ServiceError(
          'DeleteConflict',
          'Cannot delete entity, must detach all policies first.',
          409,
        );
      }
      await roles.delete(roleKey(role.RoleName));
      return '';
    },

    async AttachRolePolicy(params) {
      const role = existingRole(params);
      const policy = policyArnParam(params);
      if (role.AttachedPolicies.some((attached) => attached.PolicyArn === policy.PolicyArn)) {
        return ''; // IAM accepts attaching a policy twice.
      }
      if (role.AttachedPolicies.length >= MAX_POLICIES_PER_ROLE) {
        throw new ServiceError(
          'LimitExceeded',
          `Cannot exceed quota for PoliciesPerRole: ${MAX_POLICIES_PER_ROLE}`,
          409,
        );
      }
      await roles.set(roleKey(role.RoleName), {
        ...role,
        AttachedPolicies: [...role.AttachedPolicies, policy],
      });
      return '';
    },

    async DetachRolePolicy(params) {
      const role = existingRole(params);
      const policy = policyArnParam(params);
      const remaining = role.AttachedPolicies.filter(
        (attached) => attached.PolicyArn !== policy.PolicyArn,
      );
      if (remaining.length === role.AttachedPolicies.length) {
        throw new ServiceError('NoSuchEntity', `Policy ${policy.PolicyArn} was not found.`, 404);
      }
      await roles.set(roleKey(role.RoleName), { ...role, AttachedPolicies: remaining });
      return '';
    },

    async ListAttachedRolePolicies(params) {
      const role = existingRole(params);
      const prefix = pathPrefixParam(params);
      const matching = role.AttachedPolicies.filter((policy) =>
        policyPath(policy.PolicyArn).startsWith(prefix),
      ).sort((a, b) => compareKeys(a.PolicyArn, b.PolicyArn));
      const page = paginate(params, matching, (policy) => policy.PolicyArn);
      const members = page.items
        .map(
          (policy) =>
            `<member><PolicyName>${xmlEscape(policy.PolicyName)}</PolicyName><PolicyArn>${xmlEscape(policy.PolicyArn)}</PolicyArn></member>`,
        )
        .join('');
      return `<AttachedPolicies>${members}</AttachedPolicies>${page.xml}`;
    },
  };

  return {
    signingName: 'iam',
    xmlns: IAM_XMLNS,
    findRole,
    call(action, params) {
      const handler = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!handler) {
        return Promise.reject(
          new ServiceError(
            'InvalidAction',
            `Could not find operation ${action || '(no Action given)'} for version 2010-05-08 in the local cloud's IAM.`,
          ),
        );
      }
      return handler(params);
    },
  };
}

/** IAM role names are unique regardless of case. */
function roleKey(name: string): string {
  return name.toLowerCase();
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function noSuchRole(name: string): ServiceError {
  return new ServiceError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
}

function roleXml(role: RoleRecord, withTags: boolean): string {
  const tags =
    withTags && role.Tags.length > 0
      ? `<Tags>${role.Tags.map((tag) => `<member><Key>${xmlEscape(tag.Key)}</Key><Value>${xmlEscape(tag.Value)}</Value></member>`).join('')}</Tags>`
      : '';
  return (
    `<Path>${xmlEscape(role.Path)}</Path><RoleName>${xmlEscape(role.RoleName)}</RoleName>` +
    `<RoleId>${role.RoleId}</RoleId><Arn>${xmlEscape(role.Arn)}</Arn><CreateDate>${role.CreateDate}</CreateDate>` +
    // IAM returns policy documents URL-encoded (RFC 3986), and the SDK hands them on as they are.
    `<AssumeRolePolicyDocument>${xmlEscape(encodeURIComponent(role.AssumeRolePolicyDocument))}</AssumeRolePolicyDocument>` +
    (role.Description !== undefined
      ? `<Description>${xmlEscape(role.Description)}</Description>`
      : '') +
    `<MaxSessionDuration>${role.MaxSessionDuration}</MaxSessionDuration>${tags}`
  );
}

// Parameters, validated in AWS's wording (validation.ts) with IAM's code for it.

const VALIDATION = 'ValidationError';

function optional(params: URLSearchParams, name: string): string | undefined {
  return params.get(name) ?? undefined;
}

function required(params: URLSearchParams, name: string, field: string): string {
  const value = params.get(name);
  if (value === null) throw validationError(VALIDATION, [violation(field, null, must.notBeNull)]);
  return value;
}

function checkLength(value: string, field: string, min: number, max: number): void {
  if (value.length < min)
    throw validationError(VALIDATION, [violation(field, value, must.haveLengthAtLeast(min))]);
  // IAM shows the start of a value that is too long.
  if (value.length > max) {
    throw validationError(VALIDATION, [
      violation(field, `${value.slice(0, 80)}...`, must.haveLengthAtMost(max)),
    ]);
  }
}

function checkPattern(value: string, field: string, pattern: RegExp, shown: string): void {
  checkPatternAs(VALIDATION, field, value, pattern, shown);
}

function roleNameParam(params: URLSearchParams): string {
  const name = required(params, 'RoleName', 'roleName');
  checkLength(name, 'roleName', 1, 64);
  checkPattern(name, 'roleName', ROLE_NAME, '[\\w+=,.@-]+');
  return name;
}

function pathPrefixParam(params: URLSearchParams): string {
  const prefix = optional(params, 'PathPrefix') ?? '/';
  checkLength(prefix, 'pathPrefix', 1, 512);
  checkPattern(prefix, 'pathPrefix', PATH_PREFIX, '\\u002F[\\u0021-\\u007F]*');
  return prefix;
}

function integerParam(
  params: URLSearchParams,
  name: string,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const text = optional(params, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value))
    throw validationError(VALIDATION, [violation(field, text, must.beAnInteger)]);
  checkRange(VALIDATION, field, value, min, max);
  return value;
}

function checkPolicyDocument(document: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw new ServiceError('MalformedPolicyDocument', 'This policy contains invalid Json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ServiceError('MalformedPolicyDocument', 'Syntax errors in policy.');
  }
  if (!('Statement' in parsed)) {
    throw new ServiceError('MalformedPolicyDocument', 'Policy document should have a Statement.');
  }
}

/** `Tags.member.N.Key` / `Tags.member.N.Value`, N from 1, as the query protocol lists them. */
function tagsParam(params: URLSearchParams): Tag[] {
  const tags: Tag[] = [];
  for (let n = 1; params.has(`Tags.member.${n}.Key`); n++) {
    const key = params.get(`Tags.member.${n}.Key`) ?? '';
    const value = params.get(`Tags.member.${n}.Value`) ?? '';
    checkLength(key, `tags.${n}.member.key`, 1, 128);
    checkPattern(key, `tags.${n}.member.key`, TAG_KEY, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+');
    checkLength(value, `tags.${n}.member.value`, 0, 256);
    checkPattern(value, `tags.${n}.member.value`, TAG_VALUE, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*');
    if (tags.some((tag) => tag.Key.toLowerCase() === key.toLowerCase())) {
      throw new ServiceError(
        'InvalidInput',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      );
    }
    tags.push({ Key: key, Value: value });
  }
  if (tags.length > MAX_TAGS) {
    throw new ServiceError(
      'LimitExceeded',
      `Cannot exceed quota for TagsPerRole: ${MAX_TAGS}.`,
      409,
    );
  }
  return tags;
}

function policyArnParam(params: URLSearchParams): AttachedPolicy {
  const arn = required(params, 'PolicyArn', 'policyArn');
  checkLength(arn, 'policyArn', 20, 2048);
  const match = POLICY_ARN.exec(arn);
  if (!match) throw new ServiceError('InvalidInput', `ARN ${arn} is not valid.`);
  // AWS managed policies all exist as far as we know; this account's own are taken on trust
  // (the local cloud has no CreatePolicy); another account's can never be attached.
  if (match[1] !== 'aws' && match[1] !== ACCOUNT_ID) {
    throw new ServiceError(
      'NoSuchEntity',
      `Policy ${arn} does not exist or is not attachable.`,
      404,
    );
  }
  return { PolicyName: match[3] ?? '', PolicyArn: arn };
}

function policyPath(arn: string): string {
  return POLICY_ARN.exec(arn)?.[2] ?? '/';
}

/**
 * MaxItems (1–1000, default 100) and an opaque Marker naming the first item of the next page,
 * so a page still starts in the right place when items before it were deleted meanwhile.
 */
function paginate<T>(
  params: URLSearchParams,
  sorted: readonly T[],
  keyOf: (item: T) => string,
): { items: T[]; xml: string } {
  const maxItems = integerParam(params, 'MaxItems', 'maxItems', 1, 1000) ?? 100;
  const marker = optional(params, 'Marker');
  let start = 0;
  if (marker !== undefined) {
    const after = decodeMarker(marker);
    start = sorted.findIndex((item) => compareKeys(keyOf(item), after) >= 0);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + maxItems);
  const next = sorted[start + maxItems];
  const xml =
    next === undefined
      ? '<IsTruncated>false</IsTruncated>'
      : `<IsTruncated>true</IsTruncated><Marker>${encodeMarker(keyOf(next))}</Marker>`;
  return { items, xml };
}

function encodeMarker(key: string): string {
  return Buffer.from(JSON.stringify({ from: key })).toString('base64url');
}

function decodeMarker(marker: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as {
      from?: unknown;
    };
    if (typeof decoded.from === 'string') return decoded.from;
  } catch {
    // Falls through to the error below.
  }
  throw new ServiceError('InvalidInput', `Invalid value for Marker: ${marker}`);
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Upper-case letters and digits 2–7, as IAM's unique ids are made of. */
function randomId(length: number): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
