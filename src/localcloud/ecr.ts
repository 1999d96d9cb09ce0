// The local ECR (JSON 1.1, target prefix AmazonEC2ContainerRegistry_V20150921, signing name
// `ecr`).
//
//   createEcrService({ dataDir, registry: { url, host, rootDirectory? }, region? })
//     → Promise<{ service: JsonService; close(): Promise<void> }>
//   server.registerJson('ecr', service); close() waits for pending metadata writes.
//
// `registry` is what startRegistry (registry.ts) returns, or any registry without auth: with
// `credentials`, every call to its API sends them (HTTP basic auth).
// Repositories (creation time, tags, settings) are our own metadata, in the durable Store
// collection `ecr-repositories` (`<dataDir>/ecr-repositories.json`). Images are never copied
// there: tags, digests, manifests, sizes and push times are read from the registry's v2 HTTP
// API on every call, so ECR and `docker push` / `docker pull` always agree. That API cannot
// list untagged manifests, remove one tag or tell push times; when we run the registry
// (rootDirectory is set) we read, untag and stat in its storage directly, and with a user's
// registry untagged images are not listed and push times are the image config's `created`.
// repositoryUri is `<registry host>/<name>`. GetAuthorizationToken hands out the registry's
// own credentials as ECR does (base64 of `AWS:<password>`), so `docker login` or a push with the
// token works unchanged, and nothing gets in without it; with a user's registry (no
// credentials) the password is random and unchecked. Tag immutability and scan-on-push are
// stored and reported, not enforced (pushes go to the registry directly).
import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { basicAuthorization, type RegistryCredentials } from './registry-auth.js';
import { ACCOUNT_ID, type JsonService, ServiceError } from './service.js';
import { Store } from './store.js';

export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921';

export interface EcrRegistryEndpoint {
  /** `http://127.0.0.1:PORT`: GetAuthorizationToken's proxyEndpoint, and where we read images. */
  readonly url: string;
  /** `127.0.0.1:PORT`: the host part of repositoryUri. */
  readonly host: string;
  /** The registry's storage root, when the local cloud runs the registry itself. */
  readonly rootDirectory?: string;
  /** What the registry asks for (the local cloud's own registry); none for a user's. */
  readonly credentials?: RegistryCredentials;
}

export interface EcrServiceOptions {
  readonly dataDir: string;
  readonly registry: EcrRegistryEndpoint;
  readonly region?: string;
}

/** What is kept about a repository; images are not (they live in the registry). */
export interface StoredRepository {
  readonly name: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly tags: readonly { readonly Key: string; readonly Value: string }[];
  readonly scanOnPush: boolean;
  readonly imageTagMutability: string;
  readonly encryption: { readonly encryptionType: string; readonly kmsKey?: string };
}

export async function createEcrService(
  options: EcrServiceOptions,
): Promise<{ service: JsonService; close(): Promise<void> }> {
  const store = await Store.open<StoredRepository>(options.dataDir, 'ecr-repositories');
  const ecr = new LocalEcr(options, store);
  return { service: ecr, close: () => store.flush() };
}

// ---------------------------------------------------------------------------------------------

const NAME_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const NAME_PATTERN_TEXT = '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*';
const ECR_DIGEST_PATTERN = /^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$/;
/** What the registry stores: anything else cannot name a manifest there. */
const REGISTRY_DIGEST = /^sha256:[a-f0-9]{64}$/;
const REGISTRY_TAG = /^[\w][\w.-]{0,127}$/;
/**
 * distribution's limit on a repository name; ECR allows 256. Such a repository exists in ECR
 * but can hold no image (docker cannot push to it either), so the registry is not asked.
 */
const REGISTRY_NAME_MAX = 255;
const MUTABILITIES = ['MUTABLE', 'IMMUTABLE'];
const ENCRYPTIONS = ['AES256', 'KMS', 'KMS_DSSE'];
const MAX_TAGS = 50;
const TOKEN_HOURS = 12;

type Input = Record<string, unknown>;
interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}
interface Failure {
  imageId: ImageId;
  failureCode: string;
  failureReason: string;
}

class LocalEcr implements JsonService {
  readonly targetPrefix = ECR_TARGET_PREFIX;
  readonly #repositories: Store<StoredRepository>;
  readonly #registry: RegistryClient;
  readonly #host: string;
  readonly #url: string;
  readonly #region: string;
  readonly #credentials: RegistryCredentials | undefined;

  constructor(options: EcrServiceOptions, store: Store<StoredRepository>) {
    this.#repositories = store;
    this.#credentials = options.registry.credentials;
    this.#registry = new RegistryClient(
      options.registry.url,
      options.registry.rootDirectory,
      this.#credentials,
    );
    this.#host = options.registry.host;
    this.#url = options.registry.url.replace(/\/+$/, '');
    this.#region = options.region ?? 'us-east-1';
  }

  call(operation: string, input: Input): Promise<unknown> {
    switch (operation) {
      case 'CreateRepository':
        return this.#createRepository(input);
      case 'DescribeRepositories':
        return this.#describeRepositories(input);
      case 'DeleteRepository':
        return this.#deleteRepository(input);
      case 'DescribeImages':
        return this.#describeImages(input);
      case 'ListImages':
        return this.#listImages(input);
      case 'BatchGetImage':
        return this.#batchGetImage(input);
      case 'BatchDeleteImage':
        return this.#batchDeleteImage(input);
      case 'GetAuthorizationToken':
        return this.#getAuthorizationToken();
      case 'TagResource':
        return this.#tagResource(input);
      case 'UntagResource':
        return this.#untagResource(input);
      case 'ListTagsForResource':
        return this.#listTagsForResource(input);
      case 'PutImageTagMutability':
        return this.#putImageTagMutability(input);
      case 'PutImageScanningConfiguration':
        return this.#putImageScanningConfiguration(input);
      default:
        return Promise.reject(
          new ServiceError(
            'UnknownOperationException',
            `The local ECR does not support the operation ${operation || '(none)'}.`,
          ),
        );
    }
  }

  // --- repositories ----------------------------------------------------------------------------

  async #createRepository(input: Input): Promise<unknown> {
    const name = repositoryName(input);
    const tags = tagList(input.tags, 'tags') ?? [];
    checkTags(tags);
    const mutability = optionalString(input, 'imageTagMutability') ?? 'MUTABLE';
    if (!MUTABILITIES.includes(mutability))
      throw invalid(`imageTagMutability must be one of ${MUTABILITIES.join(', ')}.`);
    const scanning = optionalObject(input, 'imageScanningConfiguration');
    const scanOnPush = scanning?.scanOnPush ?? false;
    if (typeof scanOnPush !== 'boolean')
      throw serialization('imageScanningConfiguration.scanOnPush must be a boolean.');
    const encryption = optionalObject(input, 'encryptionConfiguration');
    const encryptionType = encryption?.encryptionType ?? 'AES256';
    if (typeof encryptionType !== 'string' || !ENCRYPTIONS.includes(encryptionType))
      throw invalid(`encryptionType must be one of ${ENCRYPTIONS.join(', ')}.`);
    const kmsKey = encryption?.kmsKey;
    if (this.#repositories.has(name)) {
      throw new ServiceError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${name}' already exists in the registry with id '${ACCOUNT_ID}'`,
      );
    }
    const repository: StoredRepository = {
      name,
      createdAt: Date.now(),
      tags: dedupeTags(tags),
      scanOnPush,
      imageTagMutability: mutability,
      encryption: { encryptionType, ...(typeof kmsKey === 'string' ? { kmsKey } : {}) },
    };
    await this.#save(this.#repositories.set(name, repository));
    return { repository: this.#describe(repository) };
  }

  async #describeRepositories(input: Input): Promise<unknown> {
    const names = optionalStringList(input, 'repositoryNames');
    const maxResults = optionalInteger(input, 'maxResults', 1, 1000);
    const nextToken = optionalString(input, 'nextToken');
    if (names) {
      if (names.length < 1 || names.length > 100)
        throw invalid('repositoryNames must hold 1 to 100 names.');
      if (maxResults !== undefined || nextToken !== undefined)
        throw invalid('maxResults and nextToken cannot be used with repositoryNames.');
      const found = [...new Set(names)].map((name) => this.#repository(name));
      return { repositories: found.map((repository) => this.#describe(repository)) };
    }
    const sorted = this.#repositories.values().sort((a, b) => compare(a.name, b.name));
    const page = paginate(sorted, nextToken, maxResults ?? 100);
    return {
      repositories: page.items.map((repository) => this.#describe(repository)),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  }

  async #deleteRepository(input: Input): Promise<unknown> {
    const repository = this.#repository(repositoryName(input));
    const force = optionalBoolean(input, 'force') ?? false;
    const images = await this.#registry.images(repository.name);
    if (images.length > 0 && !force) {
      throw new ServiceError(
        'RepositoryNotEmptyException',
        `The repository with name '${repository.name}' in registry with id '${ACCOUNT_ID}' cannot be deleted because it still contains images`,
      );
    }
    for (const image of images) await this.#registry.deleteManifest(repository.name, image.digest);
    await this.#registry.removeRepository(repository.name);
    await this.#save(this.#repositories.delete(repository.name));
    return { repository: this.#describe(repository) };
  }

  async #putImageTagMutability(input: Input): Promise<unknown> {
    const repository = this.#repository(repositoryName(input));
    const mutability = optionalString(input, 'imageTagMutability');
    if (!mutability || !MUTABILITIES.includes(mutability))
      throw invalid(`imageTagMutability must be one of ${MUTABILITIES.join(', ')}.`);
    await this.#update({ ...repository, imageTagMutability: mutability });
    return {
      registryId: ACCOUNT_ID,
      repositoryName: repository.name,
      imageTagMutability: mutability,
    };
  }

  async #putImageScanningConfiguration(input: Input): Promise<unknown> {
    const repository = this.#repository(repositoryName(input));
    const scanOnPush = optionalObject(input, 'imageScanningConfiguration')?.scanOnPush;
    if (typeof scanOnPush !== 'boolean')
      throw invalid('imageScanningConfiguration.scanOnPush is required.');
    await this.#update({ ...repository, scanOnPush });
    return {
      registryId: ACCOUNT_ID,
      repositoryName: repository.name,
      imageScanningConfiguration: { scanOnPush },
    };
  }

  // --- images ----------------------------------------------------------------------------------

  async #describeImages(input: Input): Promise<unknown> {
    const repository = this.#repository(repositoryName(input));
    const ids = imageIdList(input, false);
    const tagStatus = tagStatusFilter(input);
    const maxResults = optionalInteger(input, 'maxResults', 1, 1000);
    const nextToken = optionalString(input, 'nextToken');
    const images = await this.#registry.images(repository.name);
    let selected: RegistryImage[];
    if (ids) {
      if (maxResults !== undefined || nextToken !== undefined)
        throw invalid('maxResults and nextToken cannot be used with imageIds.');
      selected = [];
      for (const id of ids) {
        const found = findImage(images, id);
        if (!found.image) {
          throw new ServiceError(
            'ImageNotFoundException',
            `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repository.name}' in the registry with id '${ACCOUNT_ID}'`,
          );
        }
        if (!selected.includes(found.image)) selected.push(found.image);
      }
    } else {
      selected = images.filter((image) => matchesTagStatus(image, tagStatus));
    }
    const page = ids
      ? { items: selected, nextToken: undefined }
      : paginate(selected, nextToken, maxResults ?? 100);
    const details = await Promise.all(
      page.items.map(async (image) => ({
        registryId: ACCOUNT_ID,
        repositoryName: repository.name,
        imageDigest: image.digest,
        ...(image.tags.length > 0 ? { imageTags: image.tags } : {}),
        imageSizeInBytes: image.manifest.size,
        imagePushedAt: seconds(await this.#registry.pushedAt(repository.name, image.manifest)),
        imageManifestMediaType: image.manifest.mediaType,
        ...(image.manifest.configMediaType
          ? { artifactMediaType: image.manifest.configMediaType }
          : {}),
        imageStatus: 'ACTIVE',
      })),
    );
    return { imageDetails: details, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async #listImages(input: Input): Promise<unknown> {
    const repository = this.#repository(repositoryName(input));
    const tagStatus = tagStatusFilter(input);
    const maxResults = optionalInteger(input, 'maxResults', 1, 1000);
    const nextToken = optionalString(input, 'nextToken');
    const images = await this.#registry.images(repository.name);
    const ids: ImageId[] = [];
    for (const image of images) {
      if (!matchesTagStatus(image, tagStatus)) continue;
      if (image.tags.length === 0) ids.push({ imageDigest: image.digest });
      for (const tag of image.tags) ids.push({ imageDigest: image.digest, imageTag: tag });
    }
    const page = paginate(ids, nextToken, maxResults ?? 100);
    return { imageIds: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async #batchGetImage(input: Input): Promise<unknown> {
    const repository = this.#repository(repositoryName(input));
    const ids = imageIdList(input, true) ?? [];
    const accepted = optionalStringList(input, 'acceptedMediaTypes');
    if (accepted && (accepted.length < 1 || accepted.length > 100))
      throw invalid('acceptedMediaTypes must hold 1 to 100 media types.');
    const images: unknown[] = [];
    const failures: Failure[] = [];
    const seen = new Set<string>();
    for (const id of ids) {
      const key = `${id.imageDigest ?? ''}|${id.imageTag ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const problem = idProblem(id);
      if (problem) {
        failures.push(problem);
        continue;
      }
      const resolved = await this.#resolve(repository.name, id);
      if ('failureCode' in resolved) {
        failures.push(resolved);
        continue;
      }
      const manifest = resolved.manifest;
      if (accepted && !accepted.includes(manifest.mediaType)) {
        failures.push({
          imageId: id,
          failureCode: 'ImageNotFound',
          failureReason: `The image's manifest is ${manifest.mediaType}, which is not among the accepted media types`,
        });
        continue;
      }
      images.push({
        registryId: ACCOUNT_ID,
        repositoryName: repository.name,
        imageId: {
          imageDigest: manifest.digest,
          ...(id.imageTag ? { imageTag: id.imageTag } : {}),
        },
        imageManifest: manifest.text,
        imageManifestMediaType: manifest.mediaType,
      });
    }
    return { images, failures };
  }

  async #batchDeleteImage(input: Input): Promise<unknown> {
    const repository = this.#repository(repositoryName(input));
    const ids = imageIdList(input, true) ?? [];
    const deleted: ImageId[] = [];
    const failures: Failure[] = [];
    for (const id of ids) {
      const problem = idProblem(id);
      if (problem) {
        failures.push(problem);
        continue;
      }
      // Listed afresh for each id: an earlier id may have removed tags or images.
      const images = await this.#registry.images(repository.name);
      const found = findImage(images, id);
      if (!found.image) {
        failures.push(found.failure);
        continue;
      }
      const image = found.image;
      const untagOnly = id.imageTag !== undefined && !id.imageDigest && image.tags.length > 1;
      if (untagOnly && id.imageTag !== undefined) {
        // ECR removes just this tag; the image stays while other tags name it.
        if (!(await this.#registry.untag(repository.name, id.imageTag))) {
          failures.push({
            imageId: id,
            failureCode: 'UpstreamUnavailable',
            failureReason: `The registry at ${this.#url} cannot remove a single tag`,
          });
          continue;
        }
        deleted.push({ imageDigest: image.digest, imageTag: id.imageTag });
        continue;
      }
      await this.#registry.deleteManifest(repository.name, image.digest);
      if (image.tags.length === 0) deleted.push({ imageDigest: image.digest });
      for (const tag of image.tags) deleted.push({ imageDigest: image.digest, imageTag: tag });
    }
    return { imageIds: deleted, failures };
  }

  /** One image id → its manifest, through HEAD/GET on the registry (no listing). */
  async #resolve(name: string, id: ImageId): Promise<{ manifest: Manifest } | Failure> {
    const notFound: Failure = {
      imageId: id,
      failureCode: 'ImageNotFound',
      failureReason: 'Requested image not found',
    };
    const byTag = id.imageTag ? await this.#registry.resolve(name, id.imageTag) : undefined;
    if (id.imageTag && !byTag) return notFound;
    if (id.imageDigest) {
      if (byTag && byTag !== id.imageDigest) {
        return {
          imageId: id,
          failureCode: 'ImageTagDoesNotMatchDigest',
          failureReason: 'Invalid request parameters: given tag does not map to the given digest',
        };
      }
      if (!byTag && !(await this.#registry.resolve(name, id.imageDigest))) return notFound;
    }
    const digest = id.imageDigest ?? byTag;
    const manifest = digest ? await this.#registry.manifest(name, digest) : undefined;
    return manifest ? { manifest } : notFound;
  }

  // --- auth and tags ---------------------------------------------------------------------------

  async #getAuthorizationToken(): Promise<unknown> {
    // A user's registry has no auth: a password shaped like ECR's keeps clients' handling
    // unchanged. Ours has one password per start, so the token lasts as long as the cloud runs;
    // expiresAt is ECR's, so clients refresh as they would there.
    const { username, password } = this.#credentials ?? {
      username: 'AWS',
      password: randomBytes(48).toString('base64'),
    };
    return {
      authorizationData: [
        {
          authorizationToken: Buffer.from(`${username}:${password}`).toString('base64'),
          expiresAt: seconds(new Date(Date.now() + TOKEN_HOURS * 3600_000)),
          proxyEndpoint: this.#url,
        },
      ],
    };
  }

  async #tagResource(input: Input): Promise<unknown> {
    const repository = this.#repositoryByArn(input);
    const tags = tagList(input.tags, 'tags');
    if (!tags) throw invalid('tags is required.');
    checkTags(tags);
    const merged = dedupeTags([...repository.tags, ...tags]);
    if (merged.length > MAX_TAGS) throw tooManyTags();
    await this.#update({ ...repository, tags: merged });
    return {};
  }

  async #untagResource(input: Input): Promise<unknown> {
    const repository = this.#repositoryByArn(input);
    const keys = optionalStringList(input, 'tagKeys');
    if (!keys) throw invalid('tagKeys is required.');
    await this.#update({
      ...repository,
      tags: repository.tags.filter((tag) => !keys.includes(tag.Key)),
    });
    return {};
  }

  async #listTagsForResource(input: Input): Promise<unknown> {
    return { tags: this.#repositoryByArn(input).tags };
  }

  // --- helpers ---------------------------------------------------------------------------------

  #repository(name: string): StoredRepository {
    const repository = this.#repositories.get(name);
    if (!repository) {
      throw new ServiceError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${ACCOUNT_ID}'`,
      );
    }
    return repository;
  }

  #repositoryByArn(input: Input): StoredRepository {
    const arn = optionalString(input, 'resourceArn');
    const prefix = `arn:aws:ecr:${this.#region}:${ACCOUNT_ID}:repository/`;
    if (!arn) throw invalid('resourceArn is required.');
    if (!arn.startsWith(prefix))
      throw invalid(`Invalid parameter at 'resourceArn' failed to satisfy constraint: '${arn}'`);
    return this.#repository(arn.slice(prefix.length));
  }

  #describe(repository: StoredRepository): unknown {
    return {
      repositoryArn: `arn:aws:ecr:${this.#region}:${ACCOUNT_ID}:repository/${repository.name}`,
      registryId: ACCOUNT_ID,
      repositoryName: repository.name,
      repositoryUri: `${this.#host}/${repository.name}`,
      createdAt: repository.createdAt / 1000,
      imageTagMutability: repository.imageTagMutability,
      imageScanningConfiguration: { scanOnPush: repository.scanOnPush },
      encryptionConfiguration: repository.encryption,
    };
  }

  /** Stored values are immutable: a change stores a new one. */
  #update(repository: StoredRepository): Promise<void> {
    return this.#save(this.#repositories.set(repository.name, repository));
  }

  /** A Store write, failing as ECR fails when it cannot keep a change. */
  async #save(write: Promise<unknown>): Promise<void> {
    try {
      await write;
    } catch (error) {
      throw new ServiceError(
        'ServerException',
        `Could not save repository metadata: ${(error as Error).message}`,
        500,
      );
    }
  }
}

// --- the registry's v2 API -----------------------------------------------------------------------

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const ACCEPT = [DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX].join(', ');
/** How long a call waits for a registry that is restarting before it gives up. */
const REGISTRY_RETRY_MS = 8_000;

interface Manifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly text: string;
  /** Config plus layers; for an index, the sum over its manifests. */
  readonly size: number;
  readonly configMediaType?: string;
  readonly configDigest?: string;
}

interface RegistryImage {
  readonly digest: string;
  /** Sorted. */
  readonly tags: string[];
  readonly manifest: Manifest;
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
}

class RegistryClient {
  readonly #base: string;
  readonly #root: string | undefined;
  readonly #authorization: string | undefined;
  /** Manifests are content-addressed: a digest's manifest never changes. */
  readonly #manifests = new Map<string, Manifest>();
  readonly #pushTimes = new Map<string, Date>();

  constructor(
    url: string,
    rootDirectory: string | undefined,
    credentials: RegistryCredentials | undefined,
  ) {
    this.#base = url.replace(/\/+$/, '');
    this.#root = rootDirectory;
    this.#authorization = credentials ? basicAuthorization(credentials) : undefined;
  }

  /** Every image of a repository: tagged ones from tags/list, untagged ones from storage. */
  async images(name: string): Promise<RegistryImage[]> {
    const tags = await this.tags(name);
    const byDigest = new Map<string, string[]>();
    const resolved = await mapLimited(tags, 8, async (tag) => [tag, await this.resolve(name, tag)]);
    for (const [tag, digest] of resolved) {
      if (!tag || !digest) continue; // untagged between the listing and the HEAD
      byDigest.set(digest, [...(byDigest.get(digest) ?? []), tag]);
    }
    for (const digest of await this.#storedRevisions(name))
      if (!byDigest.has(digest)) byDigest.set(digest, []);
    const images = await mapLimited([...byDigest], 8, async ([digest, tags]) => {
      const manifest = await this.manifest(name, digest);
      return manifest ? { digest, tags: tags.sort(compare), manifest } : undefined;
    });
    // One order on every call, so pagination tokens stay valid.
    return images
      .filter((image): image is RegistryImage => image !== undefined)
      .sort((a, b) => compare(a.digest, b.digest));
  }

  async tags(name: string): Promise<string[]> {
    if (name.length > REGISTRY_NAME_MAX) return [];
    const tags: string[] = [];
    let next: string | undefined = `/v2/${name}/tags/list`;
    while (next) {
      const response = await this.#fetch(next);
      if (response.status === 404) {
        await response.arrayBuffer();
        return [];
      }
      await expectOk(response, `list the tags of ${name}`);
      tags.push(...(((await response.json()) as { tags?: string[] | null }).tags ?? []));
      // Registries may page: Link: </v2/<name>/tags/list?last=x&n=y>; rel="next".
      next = /<([^>]+)>;\s*rel="?next"?/.exec(response.headers.get('link') ?? '')?.[1];
    }
    return tags;
  }

  /** The digest a tag or digest names now, or undefined. */
  async resolve(name: string, reference: string): Promise<string | undefined> {
    if (name.length > REGISTRY_NAME_MAX) return undefined;
    if (!REGISTRY_DIGEST.test(reference) && !REGISTRY_TAG.test(reference)) return undefined;
    const response = await this.#fetch(`/v2/${name}/manifests/${reference}`, {
      method: 'HEAD',
      headers: { accept: ACCEPT },
    });
    if (response.status === 404) return undefined;
    await expectOk(response, `look up ${name}:${reference}`);
    const digest = response.headers.get('docker-content-digest');
    if (digest) return digest;
    // A registry that omits the header: the digest is the body's hash.
    return (await this.manifest(name, reference))?.digest;
  }

  async manifest(name: string, reference: string): Promise<Manifest | undefined> {
    const key = `${name}@${reference}`;
    const cached = this.#manifests.get(key);
    if (cached) return cached;
    const response = await this.#fetch(`/v2/${name}/manifests/${reference}`, {
      headers: { accept: ACCEPT },
    });
    if (response.status === 404) {
      await response.arrayBuffer();
      return undefined;
    }
    await expectOk(response, `read the manifest ${name}@${reference}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    const body = JSON.parse(text) as {
      mediaType?: string;
      config?: Descriptor;
      layers?: Descriptor[];
      manifests?: Descriptor[];
    };
    const digest =
      response.headers.get('docker-content-digest') ??
      `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const mediaType =
      body.mediaType ?? response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
    let size = (body.config?.size ?? 0) + sum((body.layers ?? []).map((layer) => layer.size ?? 0));
    if (body.manifests) {
      const children = await Promise.all(
        body.manifests.map(async (child) =>
          child.digest && REGISTRY_DIGEST.test(child.digest)
            ? ((await this.manifest(name, child.digest))?.size ?? child.size ?? 0)
            : (child.size ?? 0),
        ),
      );
      size = sum(children);
    }
    const manifest: Manifest = {
      digest,
      mediaType,
      text,
      size,
      ...(body.config?.mediaType ? { configMediaType: body.config.mediaType } : {}),
      ...(body.config?.digest ? { configDigest: body.config.digest } : {}),
    };
    // Only digests are immutable; a tag may move.
    if (REGISTRY_DIGEST.test(reference)) this.#manifests.set(key, manifest);
    return manifest;
  }

  /**
   * When the manifest was pushed: its revision link's mtime in our registry's storage; for a
   * registry we don't run, the image config's `created` (the API has no push time).
   */
  async pushedAt(name: string, manifest: Manifest): Promise<Date> {
    const linkFile = this.#revisionLink(name, manifest.digest);
    if (linkFile) {
      try {
        return (await stat(linkFile)).mtime;
      } catch {
        // Deleted meanwhile: fall through to the config.
      }
    }
    const key = `${name}@${manifest.digest}`;
    const known = this.#pushTimes.get(key);
    if (known) return known;
    let created = new Date();
    if (manifest.configDigest) {
      const response = await this.#fetch(`/v2/${name}/blobs/${manifest.configDigest}`);
      if (response.ok) {
        const config = (await response.json().catch(() => ({}))) as { created?: string };
        const parsed = config.created ? new Date(config.created) : undefined;
        if (parsed && !Number.isNaN(parsed.getTime())) created = parsed;
      } else await response.arrayBuffer();
    }
    this.#pushTimes.set(key, created);
    return created;
  }

  /** Deletes a manifest and every tag that names it; false when it was not there. */
  async deleteManifest(name: string, digest: string): Promise<boolean> {
    this.#manifests.delete(`${name}@${digest}`);
    this.#pushTimes.delete(`${name}@${digest}`);
    const response = await this.#fetch(`/v2/${name}/manifests/${digest}`, { method: 'DELETE' });
    if (response.status === 404) {
      await response.arrayBuffer();
      return false;
    }
    await expectOk(response, `delete ${name}@${digest}`);
    await response.arrayBuffer();
    return true;
  }

  /**
   * Removes one tag, keeping the manifest. distribution v2.8 has no API for it (DELETE by tag
   * is refused), so in our own registry we remove the tag from its storage; other registries
   * (distribution v3 and most others) accept DELETE by tag.
   */
  async untag(name: string, tag: string): Promise<boolean> {
    if (!REGISTRY_TAG.test(tag)) return false;
    if (this.#root) {
      await rm(path.join(this.#repositoryDir(name), '_manifests', 'tags', tag), {
        recursive: true,
        force: true,
      });
      return true;
    }
    const response = await this.#fetch(`/v2/${name}/manifests/${tag}`, { method: 'DELETE' });
    await response.arrayBuffer();
    return response.ok;
  }

  /** After its manifests are deleted, our registry's leftovers (layer links) go too. */
  async removeRepository(name: string): Promise<void> {
    for (const key of this.#manifests.keys())
      if (key.startsWith(`${name}@`)) this.#manifests.delete(key);
    if (this.#root) await rm(this.#repositoryDir(name), { recursive: true, force: true });
  }

  #repositoryDir(name: string): string {
    return path.join(
      this.#root ?? '',
      'docker',
      'registry',
      'v2',
      'repositories',
      ...name.split('/'),
    );
  }

  #revisionLink(name: string, digest: string): string | undefined {
    if (!this.#root || !REGISTRY_DIGEST.test(digest)) return undefined;
    return path.join(
      this.#repositoryDir(name),
      '_manifests',
      'revisions',
      'sha256',
      digest.slice('sha256:'.length),
      'link',
    );
  }

  /** Manifests in our registry's storage, tagged or not (the API cannot list untagged ones). */
  async #storedRevisions(name: string): Promise<string[]> {
    if (!this.#root) return [];
    const dir = path.join(this.#repositoryDir(name), '_manifests', 'revisions', 'sha256');
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      return [];
    }
    const digests: string[] = [];
    for (const hex of entries) {
      const digest = `sha256:${hex}`;
      const link = this.#revisionLink(name, digest);
      // A deleted manifest leaves its folder behind without the link.
      if (
        link &&
        (await stat(link).then(
          () => true,
          () => false,
        ))
      )
        digests.push(digest);
    }
    return digests;
  }

  /** fetch, retried while the registry is down (the supervisor restarts it). */
  async #fetch(pathname: string, init: RequestInit = {}): Promise<Response> {
    const deadline = Date.now() + REGISTRY_RETRY_MS;
    for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
      try {
        const headers = new Headers(init.headers);
        if (this.#authorization) headers.set('authorization', this.#authorization);
        return await fetch(`${this.#base}${pathname}`, {
          ...init,
          headers,
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        if (Date.now() + delay > deadline) {
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          throw new ServiceError(
            'ServerException',
            `The image registry at ${this.#base} does not answer (${cause?.code ?? cause?.message ?? (error as Error).message}).`,
            500,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

async function expectOk(response: Response, doing: string): Promise<void> {
  if (response.ok) return;
  const text = await response.text().catch(() => '');
  throw new ServiceError(
    'ServerException',
    `The image registry could not ${doing}: ${response.status} ${text.slice(0, 500)}`,
    500,
  );
}

// --- input checks --------------------------------------------------------------------------------

function invalid(message: string): ServiceError {
  return new ServiceError('InvalidParameterException', message);
}

function serialization(message: string): ServiceError {
  return new ServiceError('SerializationException', message);
}

function tooManyTags(): ServiceError {
  return new ServiceError(
    'TooManyTagsException',
    `The list of tags on the repository is over the limit. The maximum number of tags that can be applied to a repository is ${MAX_TAGS}.`,
  );
}

function repositoryName(input: Input): string {
  const name = optionalString(input, 'repositoryName');
  if (name === undefined) throw invalid("Missing required parameter: 'repositoryName'");
  if (name.length < 2 || name.length > 256) {
    throw invalid(
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length between 2 and 256'`,
    );
  }
  if (!NAME_PATTERN.test(name)) {
    throw invalid(
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '${NAME_PATTERN_TEXT}''`,
    );
  }
  return name;
}

function optionalString(input: Input, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serialization(`${key} must be a string.`);
  return value;
}

function optionalBoolean(input: Input, key: string): boolean | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw serialization(`${key} must be a boolean.`);
  return value;
}

function optionalInteger(input: Input, key: string, min: number, max: number): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw serialization(`${key} must be an integer.`);
  if (value < min || value > max) throw invalid(`${key} must be between ${min} and ${max}.`);
  return value;
}

function optionalObject(input: Input, key: string): Record<string, unknown> | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw serialization(`${key} must be an object.`);
  return value as Record<string, unknown>;
}

function optionalStringList(input: Input, key: string): string[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw serialization(`${key} must be a list of strings.`);
  return value as string[];
}

function tagList(value: unknown, key: string): { Key: string; Value: string }[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw serialization(`${key} must be a list.`);
  return value.map((tag: unknown) => {
    const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof Key !== 'string' || (Value !== undefined && typeof Value !== 'string'))
      throw new ServiceError('InvalidTagParameterException', 'Each tag needs a Key and a Value.');
    return { Key, Value: Value ?? '' };
  });
}

function checkTags(tags: { Key: string; Value: string }[]): void {
  for (const { Key, Value } of tags) {
    if (Key.length < 1 || Key.length > 128 || Value.length > 256 || /^aws:/i.test(Key)) {
      throw new ServiceError(
        'InvalidTagParameterException',
        `Invalid tag ${JSON.stringify(Key)}: keys are 1-128 characters and may not start with aws:, values at most 256.`,
      );
    }
  }
  if (dedupeTags(tags).length > MAX_TAGS) throw tooManyTags();
}

/** Later values win, as TagResource overwrites a key. */
function dedupeTags(tags: { Key: string; Value: string }[]): { Key: string; Value: string }[] {
  const byKey = new Map<string, string>();
  for (const { Key, Value } of tags) byKey.set(Key, Value);
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

function imageIdList(input: Input, required: boolean): ImageId[] | undefined {
  const value = input.imageIds;
  if (value === undefined || value === null) {
    if (required) throw invalid("Missing required parameter: 'imageIds'");
    return undefined;
  }
  if (!Array.isArray(value)) throw serialization('imageIds must be a list.');
  if (value.length < 1 || value.length > 100) throw invalid('imageIds must hold 1 to 100 ids.');
  return value.map((item: unknown) => {
    const { imageDigest, imageTag } = (item ?? {}) as Record<string, unknown>;
    if (
      (imageDigest !== undefined && typeof imageDigest !== 'string') ||
      (imageTag !== undefined && typeof imageTag !== 'string')
    )
      throw serialization('imageDigest and imageTag must be strings.');
    return {
      ...(imageDigest ? { imageDigest } : {}),
      ...(imageTag ? { imageTag } : {}),
    };
  });
}

/** The failure ECR reports for an id that cannot name an image at all. */
function idProblem(id: ImageId): Failure | undefined {
  if (!id.imageDigest && !id.imageTag) {
    return {
      imageId: id,
      failureCode: 'MissingDigestAndTag',
      failureReason: 'Invalid request parameters: both tag and digest cannot be null',
    };
  }
  if (id.imageDigest && !ECR_DIGEST_PATTERN.test(id.imageDigest)) {
    return {
      imageId: id,
      failureCode: 'InvalidImageDigest',
      failureReason: `Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'`,
    };
  }
  if (id.imageTag !== undefined && (id.imageTag.length < 1 || id.imageTag.length > 300)) {
    return {
      imageId: id,
      failureCode: 'InvalidImageTag',
      failureReason: 'Invalid request parameters: image tag must be 1 to 300 characters',
    };
  }
  return undefined;
}

function findImage(
  images: RegistryImage[],
  id: ImageId,
): { image: RegistryImage; failure?: undefined } | { image?: undefined; failure: Failure } {
  const problem = idProblem(id);
  if (problem) return { failure: problem };
  const byDigest = id.imageDigest
    ? images.find((image) => image.digest === id.imageDigest)
    : undefined;
  const byTag = id.imageTag ? images.find((image) => image.tags.includes(id.imageTag!)) : undefined;
  if (id.imageDigest && id.imageTag && byDigest && byTag && byDigest !== byTag) {
    return {
      failure: {
        imageId: id,
        failureCode: 'ImageTagDoesNotMatchDigest',
        failureReason: 'Invalid request parameters: given tag does not map to the given digest',
      },
    };
  }
  const image = id.imageDigest ? (id.imageTag ? byTag && byDigest : byDigest) : byTag;
  if (image) return { image };
  return {
    failure: {
      imageId: id,
      failureCode: 'ImageNotFound',
      failureReason: 'Requested image not found',
    },
  };
}

function tagStatusFilter(input: Input): 'TAGGED' | 'UNTAGGED' | 'ANY' {
  const status = optionalObject(input, 'filter')?.tagStatus ?? 'ANY';
  if (status !== 'TAGGED' && status !== 'UNTAGGED' && status !== 'ANY')
    throw invalid('filter.tagStatus must be TAGGED, UNTAGGED or ANY.');
  return status;
}

function matchesTagStatus(image: RegistryImage, status: 'TAGGED' | 'UNTAGGED' | 'ANY'): boolean {
  if (status === 'ANY') return true;
  return status === 'TAGGED' ? image.tags.length > 0 : image.tags.length === 0;
}

/** Offset pages over a list sorted the same way on every call; the token is opaque. */
function paginate<T>(
  items: T[],
  nextToken: string | undefined,
  maxResults: number,
): { items: T[]; nextToken: string | undefined } {
  let offset = 0;
  if (nextToken !== undefined) {
    const decoded = Number(Buffer.from(nextToken, 'base64url').toString('utf8').split(':')[1]);
    if (!Number.isInteger(decoded) || decoded < 0) throw invalid('Invalid NextToken.');
    offset = decoded;
  }
  const end = offset + maxResults;
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? Buffer.from(`offset:${end}`).toString('base64url') : undefined,
  };
}

// --- small things --------------------------------------------------------------------------------

/** JSON 1.1 timestamps are epoch seconds. */
function seconds(date: Date): number {
  return date.getTime() / 1000;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

async function mapLimited<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
