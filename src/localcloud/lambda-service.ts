// The Lambda API of the local cloud (REST-JSON): functions from container images kept in the
// local registry, created and updated through the states the SDK's waiters expect, and
// invoked in containers by FunctionPool. A start removes the function containers a cloud gone
// from the same data folder left running (FunctionContainers).
import type Docker from 'dockerode';
import { clientContextHeader } from '../../runtime/emulator/invoke-server.js';
import type { CredentialAuthority } from './credentials.js';
import { FunctionContainers } from './function-containers.js';
import {
  type FunctionConfiguration,
  type FunctionInput,
  type FunctionRecord,
  functionArn,
  functionNameOf,
  invalid,
  lambdaTimestamp,
  newRevision,
  validateImageUri,
  validateSettings,
  validateTags,
} from './lambda-functions.js';
import { FunctionPool, type LogSink } from './lambda-invoker.js';
import { basicAuthorization, type RegistryCredentials } from './registry-auth.js';
import type { RestRequest, RestResponse } from './server.js';
import { ServiceError } from './service.js';

export interface Persistence<T> {
  load(): Promise<T | undefined>;
  save(value: T): Promise<void>;
}

export interface LambdaServiceOptions {
  readonly docker: Docker;
  readonly region: string;
  readonly persistence: Persistence<FunctionRecord[]>;
  readonly log: LogSink;
  /** Containers per function at most (Lambda's concurrency, locally). */
  readonly maxContainers?: number;
  readonly idleMs?: number;
  /** Whether a role exists and Lambda may assume it; undefined when IAM is not consulted. */
  readonly roleAssumable?: (roleArn: string) => Promise<boolean>;
  /** This cloud's registry (`127.0.0.1:PORT`): its port changes when the cloud starts again. */
  readonly registryHost?: string;
  /** What that registry asks for; sent to it alone, never to another host an image names. */
  readonly registryCredentials?: RegistryCredentials;
  /** Mints the role credentials each function container gets. */
  readonly authority: CredentialAuthority;
  /** The local cloud's endpoint (`http://127.0.0.1:PORT`): AWS_ENDPOINT_URL in containers. */
  readonly endpoint: string;
  /**
   * The cloud's data folder: its containers are labelled with it, and a start removes those a
   * cloud on it left when it ended. Without one, nothing is swept at start.
   */
  readonly dataDir?: string;
}

const MAX_PAYLOAD = 6 * 1024 * 1024;
const API = '/2015-03-31/functions';
const TAGS = '/2017-03-31/tags/';

export class LambdaService {
  readonly #options: LambdaServiceOptions;
  readonly #functions = new Map<string, FunctionRecord>();
  readonly #pools = new Map<string, FunctionPool>();
  /** Pending image pulls, so a delete can wait for them. */
  readonly #work = new Map<string, Promise<void>>();
  readonly #containers: FunctionContainers;

  private constructor(options: LambdaServiceOptions) {
    this.#options = options;
    this.#containers = new FunctionContainers(options.docker, options.dataDir);
  }

  static async create(options: LambdaServiceOptions): Promise<LambdaService> {
    const { maxContainers, idleMs } = options;
    if (maxContainers !== undefined && !(Number.isInteger(maxContainers) && maxContainers >= 1))
      throw new RangeError(`maxContainers must be a whole number from 1, not ${maxContainers}.`);
    if (idleMs !== undefined && !(Number.isFinite(idleMs) && idleMs >= 1))
      throw new RangeError(`idleMs must be a number of milliseconds from 1, not ${idleMs}.`);
    const service = new LambdaService(options);
    for (const record of (await options.persistence.load()) ?? []) {
      // A function caught mid-update when the cloud stopped is resolved again.
      service.#functions.set(record.configuration.FunctionName, record);
      if (
        record.configuration.State === 'Pending' ||
        record.configuration.LastUpdateStatus === 'InProgress'
      ) {
        service.#resolve(record.configuration.FunctionName);
      }
    }
    // Last, so that a start that failed above leaves no retries running.
    await service.#containers.removeLeftovers();
    return service;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#work.values()]);
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
    this.#pools.clear();
    await this.#containers.close();
  }

  /** Routes /2015-03-31/functions… */
  readonly functions = async (request: RestRequest): Promise<RestResponse> => {
    const rest = request.path.slice(API.length).replace(/^\/+/, '');
    const [rawName, sub] = rest.split('/');
    if (!rawName) {
      if (request.method === 'POST') return this.#createFunction(json(request));
      if (request.method === 'GET') return this.#listFunctions(request.query);
    } else {
      const name = functionNameOf(rawName);
      if (sub === undefined && request.method === 'GET') return this.#getFunction(name);
      if (sub === undefined && request.method === 'DELETE') return this.#deleteFunction(name);
      if (sub === 'configuration' && request.method === 'GET')
        return { status: 200, body: this.#record(name).configuration };
      if (sub === 'configuration' && request.method === 'PUT')
        return this.#updateConfiguration(name, json(request));
      if (sub === 'code' && request.method === 'PUT') return this.#updateCode(name, json(request));
      if (sub === 'invocations' && request.method === 'POST') return this.#invoke(name, request);
    }
    throw new ServiceError(
      'UnknownOperationException',
      `The local Lambda does not support ${request.method} ${request.path}.`,
      404,
    );
  };

  /** Routes /2017-03-31/tags/<arn>: TagResource, UntagResource, ListTags. */
  readonly tags = async (request: RestRequest): Promise<RestResponse> => {
    const arn = decodeURIComponent(request.path.slice(TAGS.length));
    const record = this.#record(functionNameOf(arn));
    if (request.method === 'GET') return { status: 200, body: { Tags: record.tags } };
    if (request.method === 'POST') {
      Object.assign(record.tags, validateTags((json(request) as { Tags?: unknown }).Tags));
      await this.#save();
      return { status: 204 };
    }
    if (request.method === 'DELETE') {
      for (const key of request.query.getAll('tagKeys')) delete record.tags[key];
      await this.#save();
      return { status: 204 };
    }
    throw new ServiceError(
      'UnknownOperationException',
      `The local Lambda does not support ${request.method} on tags.`,
      404,
    );
  };

  async #createFunction(input: FunctionInput): Promise<RestResponse> {
    if (typeof input.FunctionName !== 'string') throw invalid('FunctionName is required.');
    const name = functionNameOf(input.FunctionName);
    if (this.#functions.has(name)) {
      throw new ServiceError('ResourceConflictException', `Function already exist: ${name}`, 409);
    }
    if (input.PackageType !== 'Image') {
      throw invalid(
        'The local cloud runs container images only: set PackageType to "Image" and Code.ImageUri.',
      );
    }
    const imageUri = validateImageUri(input.Code?.ImageUri);
    const settings = validateSettings(input);
    await this.#checkRole(settings.Role);
    const configuration: FunctionConfiguration = {
      FunctionName: name,
      FunctionArn: functionArn(this.#options.region, name),
      Role: settings.Role,
      Description: settings.Description,
      Timeout: settings.Timeout,
      MemorySize: settings.MemorySize,
      Environment: settings.Environment,
      Architectures: settings.Architectures,
      PackageType: 'Image',
      CodeSize: 0,
      CodeSha256: '',
      Version: '$LATEST',
      LastModified: lambdaTimestamp(),
      RevisionId: newRevision(),
      State: 'Pending',
      StateReason: 'The function is being created.',
      StateReasonCode: 'Creating',
      LastUpdateStatus: 'InProgress',
      EphemeralStorage: { Size: 512 },
      TracingConfig: { Mode: 'PassThrough' },
      LoggingConfig: { LogFormat: settings.LogFormat, LogGroup: `/aws/lambda/${name}` },
    };
    this.#functions.set(name, { configuration, imageUri, tags: validateTags(input.Tags) });
    await this.#save();
    this.#resolve(name);
    return { status: 201, body: configuration };
  }

  #listFunctions(query: URLSearchParams): RestResponse {
    const all = [...this.#functions.values()].sort((a, b) =>
      a.configuration.FunctionName.localeCompare(b.configuration.FunctionName),
    );
    const maxItems = Math.min(Number(query.get('MaxItems') ?? 50) || 50, 10_000);
    const marker = query.get('Marker');
    const start = marker ? all.findIndex((r) => r.configuration.FunctionName > marker) : 0;
    const page = start < 0 ? [] : all.slice(start, start + maxItems);
    const next =
      start >= 0 && start + maxItems < all.length
        ? page[page.length - 1]?.configuration.FunctionName
        : undefined;
    return {
      status: 200,
      body: { Functions: page.map((r) => r.configuration), ...(next ? { NextMarker: next } : {}) },
    };
  }

  #getFunction(name: string): RestResponse {
    const record = this.#record(name);
    return {
      status: 200,
      body: {
        Configuration: record.configuration,
        Code: {
          RepositoryType: 'ECR',
          ImageUri: record.imageUri,
          ...(record.resolvedImageUri ? { ResolvedImageUri: record.resolvedImageUri } : {}),
        },
        Tags: record.tags,
      },
    };
  }

  async #deleteFunction(name: string): Promise<RestResponse> {
    this.#record(name);
    this.#functions.delete(name);
    await this.#work.get(name)?.catch(() => undefined);
    await this.#pools.get(name)?.close();
    this.#pools.delete(name);
    await this.#save();
    return { status: 204 };
  }

  async #updateConfiguration(name: string, input: FunctionInput): Promise<RestResponse> {
    const record = this.#updatable(name);
    const settings = validateSettings(input, record.configuration);
    if (input.Role !== undefined) await this.#checkRole(settings.Role);
    Object.assign(record.configuration, {
      Role: settings.Role,
      Description: settings.Description,
      Timeout: settings.Timeout,
      MemorySize: settings.MemorySize,
      Environment: settings.Environment,
      LoggingConfig: { ...record.configuration.LoggingConfig, LogFormat: settings.LogFormat },
    });
    return this.#startUpdate(name, record);
  }

  async #updateCode(name: string, input: { ImageUri?: unknown }): Promise<RestResponse> {
    const record = this.#updatable(name);
    record.imageUri = validateImageUri(input.ImageUri);
    return this.#startUpdate(name, record);
  }

  async #startUpdate(name: string, record: FunctionRecord): Promise<RestResponse> {
    Object.assign(record.configuration, {
      LastModified: lambdaTimestamp(),
      RevisionId: newRevision(),
      LastUpdateStatus: 'InProgress',
      LastUpdateStatusReason: 'The function is being updated.',
      LastUpdateStatusReasonCode: 'Updating',
    });
    await this.#save();
    this.#resolve(name);
    return { status: 200, body: record.configuration };
  }

  /** A loopback registry image URI moved to this run's registry. */
  #inOwnRegistry(imageUri: string): string {
    const host = this.#options.registryHost;
    return host ? imageUri.replace(/^127\.0\.0\.1:\d+\//, `${host}/`) : imageUri;
  }

  /** This cloud's registry credentials, if the image is in this cloud's registry. */
  #credentialsFor(imageUri: string): RegistryCredentials | undefined {
    const host = this.#options.registryHost;
    return host && imageUri.startsWith(`${host}/`) ? this.#options.registryCredentials : undefined;
  }

  /** Finds the image in the registry, pulls it by digest, and settles the function's state. */
  #resolve(name: string): void {
    const work = (async () => {
      const record = this.#functions.get(name);
      if (!record) return;
      const config = record.configuration;
      try {
        const { resolved, digest, imageId } = await pullByDigest(
          this.#options.docker,
          record.imageUri,
          this.#credentialsFor(record.imageUri),
        ).catch((error: unknown) => {
          // A function stored before a restart names the registry's port of that run: the same
          // image is in this run's registry, which serves the same storage.
          const moved = this.#inOwnRegistry(record.imageUri);
          if (moved === record.imageUri) throw error;
          // Not there either: the first failure is the one that explains.
          return pullByDigest(this.#options.docker, moved, this.#credentialsFor(moved)).catch(
            () => {
              throw error;
            },
          );
        });
        record.resolvedImageUri = resolved;
        config.CodeSha256 = digest.replace(/^sha256:/, '');
        const pool = this.#pools.get(name);
        if (pool) pool.update(config, imageId);
        else this.#pools.set(name, new FunctionPool(config, imageId, this.#poolOptions()));
        Object.assign(config, { State: 'Active', LastUpdateStatus: 'Successful' });
        delete config.StateReason;
        delete config.StateReasonCode;
        delete config.LastUpdateStatusReason;
        delete config.LastUpdateStatusReasonCode;
      } catch (error) {
        const reason = `Lambda could not pull the image ${record.imageUri}: ${(error as Error).message}`;
        // A function that never became Active (Pending, or Failed and given new code) stays
        // Failed, with the reason for the image it was last given.
        if (config.State !== 'Active') {
          Object.assign(config, {
            State: 'Failed',
            StateReason: reason,
            StateReasonCode: 'ImageAccessDenied',
            LastUpdateStatus: 'Failed',
          });
        } else {
          Object.assign(config, {
            LastUpdateStatus: 'Failed',
            LastUpdateStatusReason: reason,
            LastUpdateStatusReasonCode: 'ImageAccessDenied',
          });
        }
      }
      if (this.#functions.has(name)) await this.#save();
    })();
    this.#work.set(name, work);
    void work.finally(() => {
      if (this.#work.get(name) === work) this.#work.delete(name);
    });
  }

  async #invoke(name: string, request: RestRequest): Promise<RestResponse> {
    const record = this.#record(name);
    const config = record.configuration;
    if (config.State !== 'Active') {
      throw new ServiceError(
        'ResourceConflictException',
        `The operation cannot be performed at this time. The function is currently in the following state: ${config.State}`,
        409,
      );
    }
    if (request.body.length > MAX_PAYLOAD) {
      throw new ServiceError(
        'RequestTooLargeException',
        `Request must be smaller than ${MAX_PAYLOAD} bytes for the InvokeFunction operation`,
        413,
      );
    }
    const payload = request.body.length === 0 ? Buffer.from('{}') : request.body;
    try {
      JSON.parse(payload.toString('utf8'));
    } catch {
      throw new ServiceError(
        'InvalidRequestContentException',
        'Could not parse request body into json: the payload is not valid JSON.',
        400,
      );
    }
    const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const executed = { 'x-amz-executed-version': '$LATEST' };
    if (type === 'DryRun') return { status: 204, headers: executed };
    let pool = this.#pools.get(name);
    if (!pool && config.State === 'Active') {
      // Loaded from disk when the cloud started again: its image is found on first use.
      if (!this.#work.has(name)) this.#resolve(name);
      await this.#work.get(name)?.catch(() => undefined);
      pool = this.#pools.get(name);
    }
    if (!pool)
      throw new ServiceError(
        'ResourceNotReadyException',
        `The function ${name} has no code ready yet.`,
        502,
      );
    const encodedContext = request.headers['x-amz-client-context'];
    let clientContext: string | undefined;
    if (typeof encodedContext === 'string' && encodedContext) {
      // One line of ASCII JSON, as the Runtime API header needs it; anything else is refused.
      clientContext = clientContextHeader(encodedContext);
      if (clientContext === undefined) {
        throw new ServiceError(
          'InvalidRequestContentException',
          'Client context must be a base64-encoded JSON object.',
          400,
        );
      }
    }
    if (type === 'Event') {
      void pool
        .invoke({ payload, clientContext, requestId: request.requestId })
        .catch(() => undefined);
      return { status: 202, headers: executed };
    }
    if (type !== 'RequestResponse')
      throw invalid(`InvocationType must be RequestResponse, Event or DryRun, not ${type}.`);
    const result = await pool.invoke({ payload, clientContext, requestId: request.requestId });
    const headers: Record<string, string> = { ...executed, 'content-type': 'application/json' };
    if (result.functionError) headers['x-amz-function-error'] = result.functionError;
    if (String(request.headers['x-amz-log-type'] ?? '') === 'Tail') {
      const log = Buffer.from(await result.log, 'utf8');
      headers['x-amz-log-result'] = log.subarray(Math.max(0, log.length - 4096)).toString('base64');
    }
    return { status: 200, headers, body: result.body };
  }

  #record(name: string): FunctionRecord {
    const record = this.#functions.get(name);
    if (!record) {
      throw new ServiceError(
        'ResourceNotFoundException',
        `Function not found: ${functionArn(this.#options.region, name)}`,
        404,
      );
    }
    return record;
  }

  /** A function whose last change is still being applied refuses another (409), as on Lambda. */
  #updatable(name: string): FunctionRecord {
    const record = this.#record(name);
    if (
      record.configuration.State === 'Pending' ||
      record.configuration.LastUpdateStatus === 'InProgress'
    ) {
      throw new ServiceError(
        'ResourceConflictException',
        `The operation cannot be performed at this time. An update is in progress for resource: ${record.configuration.FunctionArn}`,
        409,
      );
    }
    return record;
  }

  async #checkRole(role: string): Promise<void> {
    if (this.#options.roleAssumable && !(await this.#options.roleAssumable(role))) {
      throw invalid('The role defined for the function cannot be assumed by Lambda.');
    }
  }

  #poolOptions() {
    return {
      docker: this.#options.docker,
      region: this.#options.region,
      maxContainers: this.#options.maxContainers ?? 10,
      idleMs: this.#options.idleMs ?? 5 * 60_000,
      log: this.#options.log,
      authority: this.#options.authority,
      endpoint: this.#options.endpoint,
      containers: this.#containers,
    };
  }

  #save(): Promise<void> {
    return this.#options.persistence.save([...this.#functions.values()]);
  }
}

function json(request: RestRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  try {
    const value = JSON.parse(request.body.toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ServiceError(
    'InvalidRequestContentException',
    'Could not parse request body into json: expected a JSON object.',
    400,
  );
}

/**
 * Resolves `registry/repo:tag` to its digest with the registry's own API, then pulls that
 * digest into the engine (the registry is on loopback, which Docker treats as insecure-ok).
 * With credentials, both send them: the engine gets them in the pull request's
 * X-Registry-Auth header and keeps nothing.
 */
async function pullByDigest(
  docker: Docker,
  imageUri: string,
  credentials: RegistryCredentials | undefined,
): Promise<{ resolved: string; digest: string; imageId: string }> {
  const slash = imageUri.indexOf('/');
  const host = imageUri.slice(0, slash);
  const rest = imageUri.slice(slash + 1);
  const at = rest.indexOf('@');
  const colon = rest.lastIndexOf(':');
  const repository = at >= 0 ? rest.slice(0, at) : rest.slice(0, colon);
  const reference = at >= 0 ? rest.slice(at + 1) : rest.slice(colon + 1);
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, {
    method: 'HEAD',
    headers: {
      accept: [
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
      ].join(', '),
      ...(credentials ? { authorization: basicAuthorization(credentials) } : {}),
    },
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status === 404)
    throw new Error(`no image ${repository}:${reference} in the registry at ${host}`);
  if (response.status === 401)
    throw new Error(
      `the registry at ${host} refused the local cloud (401): it logs in to its own registry only; push the image there with the token from ECR GetAuthorizationToken`,
    );
  if (!response.ok) throw new Error(`the registry at ${host} answered ${response.status}`);
  const digest = response.headers.get('docker-content-digest');
  if (!digest)
    throw new Error(`the registry at ${host} gave no digest for ${repository}:${reference}`);
  const resolved = `${host}/${repository}@${digest}`;
  // createImage, not pull: dockerode's pull would also put authconfig in the query string.
  const stream = await docker.createImage(
    credentials ? { ...credentials, serveraddress: `http://${host}` } : undefined,
    { fromImage: `${host}/${repository}`, tag: digest },
  );
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null) =>
      error ? reject(error) : resolve(),
    ),
  );
  const image = await docker.getImage(resolved).inspect();
  return { resolved, digest, imageId: image.Id };
}
