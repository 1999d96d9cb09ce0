// Lambda functions of the local cloud: their configuration as the Lambda API returns it,
// validated as Lambda validates it, and their states. A function starts Pending and becomes
// Active once its image was pulled from the registry (or Failed, with the reason); an update
// goes InProgress → Successful the same way. The SDK's waiters poll exactly these fields.
import { randomUUID } from 'node:crypto';
import { RESERVED_ENV_NAMES } from '../aws-rules/reserved-env.js';
import { ACCOUNT_ID, ServiceError } from './service.js';
import { must, validationError, violation } from './validation.js';

export type FunctionState = 'Pending' | 'Active' | 'Failed' | 'Inactive';
export type UpdateStatus = 'InProgress' | 'Successful' | 'Failed';

export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Role: string;
  Description: string;
  Timeout: number;
  MemorySize: number;
  Environment: { Variables: Record<string, string> };
  Architectures: string[];
  PackageType: 'Image';
  CodeSize: number;
  CodeSha256: string;
  Version: '$LATEST';
  LastModified: string;
  RevisionId: string;
  State: FunctionState;
  StateReason?: string;
  StateReasonCode?: string;
  LastUpdateStatus: UpdateStatus;
  LastUpdateStatusReason?: string;
  LastUpdateStatusReasonCode?: string;
  EphemeralStorage: { Size: number };
  TracingConfig: { Mode: 'PassThrough' };
  LoggingConfig: { LogFormat: 'Text' | 'JSON'; LogGroup: string };
}

export interface FunctionRecord {
  configuration: FunctionConfiguration;
  imageUri: string;
  /** `<registry>/<repo>@sha256:...` once the image was found. */
  resolvedImageUri?: string;
  tags: Record<string, string>;
}

const NAME = /^[a-zA-Z0-9-_]{1,64}$/;
const FUNCTION_ARN =
  /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:([a-zA-Z0-9-_]{1,64})(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const PARTIAL_ARN = /^\d{12}:function:([a-zA-Z0-9-_]{1,64})$/;
const ROLE_ARN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])*$/;
/** The function name pattern as Lambda's model writes it (ours above accept the same names). */
const FUNCTION_NAME_SHOWN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';

export function invalid(message: string): ServiceError {
  return new ServiceError('InvalidParameterValueException', message, 400);
}

/** A function name, full ARN or partial ARN, as Lambda accepts them. */
export function functionNameOf(nameOrArn: string): string {
  const decoded = decodeURIComponent(nameOrArn);
  if (NAME.test(decoded)) return decoded;
  const arn = FUNCTION_ARN.exec(decoded) ?? PARTIAL_ARN.exec(decoded);
  if (arn?.[1]) return arn[1];
  throw validationError('ValidationException', [
    violation('functionName', decoded, must.matchPattern(FUNCTION_NAME_SHOWN)),
  ]);
}

export function functionArn(region: string, name: string): string {
  return `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${name}`;
}

export interface FunctionInput {
  FunctionName?: unknown;
  Role?: unknown;
  Code?: { ImageUri?: unknown };
  PackageType?: unknown;
  Timeout?: unknown;
  MemorySize?: unknown;
  Environment?: { Variables?: unknown };
  Architectures?: unknown;
  Description?: unknown;
  Tags?: unknown;
  LoggingConfig?: { LogFormat?: unknown };
}

/** Checks and normalises the fields CreateFunction and UpdateFunctionConfiguration share. */
export function validateSettings(input: FunctionInput, current?: FunctionConfiguration) {
  const timeout = input.Timeout ?? current?.Timeout ?? 3;
  if (!Number.isInteger(timeout) || (timeout as number) < 1 || (timeout as number) > 900) {
    throw invalid(
      `Timeout must be a whole number of seconds from 1 to 900, not ${JSON.stringify(input.Timeout)}.`,
    );
  }
  const memory = input.MemorySize ?? current?.MemorySize ?? 128;
  if (!Number.isInteger(memory) || (memory as number) < 128 || (memory as number) > 10240) {
    throw invalid(
      `MemorySize must be a whole number of MB from 128 to 10240, not ${JSON.stringify(input.MemorySize)}.`,
    );
  }
  const variables = (input.Environment?.Variables ??
    current?.Environment.Variables ??
    {}) as Record<string, unknown>;
  if (typeof variables !== 'object' || variables === null)
    throw invalid('Environment.Variables must be a map of strings.');
  for (const [key, value] of Object.entries(variables)) {
    if (!ENV_KEY.test(key))
      throw invalid(
        `The environment variable name ${key} is not valid: use letters, digits and _, starting with a letter.`,
      );
    if (RESERVED_ENV_NAMES.has(key))
      throw invalid(
        `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${key}`,
      );
    if (typeof value !== 'string')
      throw invalid(`The value of environment variable ${key} must be a string.`);
  }
  if (JSON.stringify(variables).length > 4096)
    throw invalid('Environment variables may not exceed 4 KB in total.');
  const architectures = (input.Architectures ?? current?.Architectures ?? ['x86_64']) as unknown;
  if (
    !Array.isArray(architectures) ||
    architectures.length !== 1 ||
    !['x86_64', 'arm64'].includes(architectures[0])
  ) {
    throw invalid('Architectures must be ["x86_64"] or ["arm64"].');
  }
  const role = input.Role ?? current?.Role;
  if (typeof role !== 'string' || !ROLE_ARN.test(role)) {
    throw invalid(
      `The role ARN ${JSON.stringify(role)} is not valid: expected arn:aws:iam::<account>:role/<name>.`,
    );
  }
  const description = input.Description ?? current?.Description ?? '';
  if (typeof description !== 'string' || description.length > 256)
    throw invalid('Description must be a string of at most 256 characters.');
  const logFormat = input.LoggingConfig?.LogFormat ?? current?.LoggingConfig.LogFormat ?? 'Text';
  if (logFormat !== 'Text' && logFormat !== 'JSON')
    throw invalid('LoggingConfig.LogFormat must be Text or JSON.');
  return {
    Timeout: timeout as number,
    MemorySize: memory as number,
    Environment: { Variables: variables as Record<string, string> },
    Architectures: architectures as string[],
    Role: role,
    Description: description,
    LogFormat: logFormat as 'Text' | 'JSON',
  };
}

export function validateImageUri(uri: unknown): string {
  if (
    typeof uri !== 'string' ||
    !/^[^\s/]+\/[a-z0-9._/-]+(?::[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/.test(uri)
  ) {
    throw invalid(
      `Source image ${JSON.stringify(uri)} is not valid. Provide a valid source image: <registry>/<repository>:<tag> or @sha256:<digest>.`,
    );
  }
  return uri;
}

export function validateTags(tags: unknown): Record<string, string> {
  if (tags === undefined) return {};
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags))
    throw invalid('Tags must be a map of strings.');
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > 128 || key.startsWith('aws:'))
      throw invalid(`The tag key ${key} is not valid.`);
    if (typeof value !== 'string' || value.length > 256)
      throw invalid(`The value of tag ${key} must be a string of at most 256 characters.`);
  }
  return tags as Record<string, string>;
}

/** Lambda's LastModified format: 2026-11-21T09:30:00.000+0000. */
export function lambdaTimestamp(date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}

export function newRevision(): string {
  return randomUUID();
}
