// A client of a Docker registry's v2 HTTP API, for the local ECR: ECR's answers about images
// (tags, digests, manifests, sizes, push times) are read from the registry on every call, so
// ECR and `docker push` / `docker pull` always agree. That API cannot list untagged manifests,
// remove one tag or tell push times: when the local cloud runs the registry (rootDirectory is
// set) those are read and changed in its storage directly; with a user's registry untagged
// images are not listed and push times are the image config's `created`.
import { createHash } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { compareStrings as compare } from './compare-strings.js';
import { mapLimited } from './map-limited.js';
import { basicAuthorization, type RegistryCredentials } from './registry-auth.js';
import { ServiceError } from './service.js';

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const ACCEPT = [DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX].join(', ');
/** How long a call waits for a registry that is restarting before it gives up. */
const REGISTRY_RETRY_MS = 8_000;
/** What the registry stores: anything else cannot name a manifest there. */
const REGISTRY_DIGEST = /^sha256:[a-f0-9]{64}$/;
const REGISTRY_TAG = /^[\w][\w.-]{0,127}$/;
/**
 * distribution's limit on a repository name; ECR allows 256. Such a repository exists in ECR
 * but can hold no image (docker cannot push to it either), so the registry is not asked.
 */
const REGISTRY_NAME_MAX = 255;

export interface Manifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly text: string;
  /** Config plus layers; for an index, the sum over its manifests. */
  readonly size: number;
  readonly configMediaType?: string;
  readonly configDigest?: string;
}

export interface RegistryImage {
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

export class RegistryClient {
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

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
