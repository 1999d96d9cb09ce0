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
// there: they are read from the registry on every call (registry-client.ts). Input checks are
// in ecr-validation.ts, image ids in ecr-image-ids.ts.
// repositoryUri is `<registry host>/<name>`. GetAuthorizationToken hands out the registry's
// own credentials as ECR does (base64 of `AWS:<password>`), so `docker login` or a push with the
// token works unchanged, and nothing gets in without it; with a user's registry (no
// credentials) the password is random and unchecked. Tag immutability and scan-on-push are
// stored and reported, not enforced (pushes go to the registry directly).
import { randomBytes } from 'node:crypto';
import { compareStrings as compare } from './compare-strings.js';
import {
  type ImageFailure as Failure,
  findImage,
  type ImageId,
  idProblem,
  imageNotFound,
  matchesTagStatus,
  tagDoesNotMatchDigest,
} from './ecr-image-ids.js';
import {
  checkTags,
  dedupeTags,
  ENCRYPTIONS,
  imageIdList,
  integerBetween,
  MAX_TAGS,
  MUTABILITIES,
  type RepositoryTag,
  repositoryName,
  tagList,
  tagStatusFilter,
  tooManyTags,
} from './ecr-validation.js';
import { paginate } from './offset-pages.js';
import type { RegistryCredentials } from './registry-auth.js';
import { type Manifest, RegistryClient, type RegistryImage } from './registry-client.js';
import { ACCOUNT_ID, type JsonService, ServiceError } from './service.js';
import { Store } from './store.js';
import {
  type Input,
  invalidParameter as invalid,
  optionalBoolean,
  optionalObject,
  optionalString,
  optionalStringList,
  serializationError as serialization,
} from './validation.js';

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
  readonly tags: readonly Readonly<RepositoryTag>[];
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

const TOKEN_HOURS = 12;

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
    const maxResults = integerBetween(input, 'maxResults', 1, 1000);
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
    const maxResults = integerBetween(input, 'maxResults', 1, 1000);
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
    const maxResults = integerBetween(input, 'maxResults', 1, 1000);
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
    const notFound = imageNotFound(id);
    const byTag = id.imageTag ? await this.#registry.resolve(name, id.imageTag) : undefined;
    if (id.imageTag && !byTag) return notFound;
    if (id.imageDigest) {
      if (byTag && byTag !== id.imageDigest) {
        return tagDoesNotMatchDigest(id);
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

/** JSON 1.1 timestamps are epoch seconds. */
function seconds(date: Date): number {
  return date.getTime() / 1000;
}
