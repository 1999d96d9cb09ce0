// Whether Lambda can run a pushed image, judged from its manifest before anyone tries to create
// a function from it. Lambda takes one image for one platform: a Docker image manifest V2
// schema 2 or an OCI image manifest, for linux on amd64 (x86_64) or arm64, at most 10 GB
// uncompressed, layers included. Schema 1 manifests are refused, and so are image indexes and
// manifest lists: Lambda does not run multi-platform images ("The image manifest or layer media
// type for the source image is not supported"), which is what `docker buildx` makes by default
// (its provenance attestation turns even one platform into an index).
import { LambdashError } from '../common/errors.js';

export const MEDIA_TYPES = {
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerSchema2: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

/** What BatchGetImage is asked for: every shape, so that what is stored comes back as it is. */
export const ACCEPTED_MEDIA_TYPES: readonly string[] = [
  MEDIA_TYPES.dockerSchema2,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.dockerSchema1Signed,
  MEDIA_TYPES.dockerSchema1,
];

/** Lambda's limit on an image's uncompressed size, layers included (10 GB). */
export const LAMBDA_MAX_IMAGE_BYTES = 10 * 1024 ** 3;

const IMAGE_CONFIGS = new Set([
  'application/vnd.docker.container.image.v1+json',
  'application/vnd.oci.image.config.v1+json',
]);
const ARCHITECTURES = new Set(['amd64', 'arm64']);
const WHAT_LAMBDA_TAKES =
  'Lambda runs one image for one platform: a Docker image manifest V2 schema 2 or an OCI image manifest, for linux/amd64 (x86_64) or linux/arm64, at most 10 GB uncompressed.';

/** The image's platform and size, as the engine reports them (`docker inspect`). */
export interface ImagePlatform {
  readonly os: string;
  readonly architecture: string;
  /** Uncompressed bytes, layers included. */
  readonly size?: number;
}

export interface LambdaManifest {
  readonly mediaType: string;
  /** The image config's digest. */
  readonly configDigest: string;
  readonly layers: number;
  /** The layers' compressed bytes, as stored in the registry. */
  readonly compressedSize: number;
}

interface Descriptor {
  readonly mediaType?: unknown;
  readonly digest?: unknown;
  readonly size?: unknown;
  readonly platform?: { readonly os?: unknown; readonly architecture?: unknown };
}

interface ManifestBody {
  readonly schemaVersion?: unknown;
  readonly mediaType?: unknown;
  readonly architecture?: unknown;
  readonly config?: Descriptor;
  readonly layers?: readonly Descriptor[];
  readonly manifests?: readonly Descriptor[];
}

/**
 * Checks a manifest (its text and the media type the registry gave) and, when known, the
 * image's platform; returns what it found, or throws INVALID_MANIFEST saying what Lambda takes.
 */
export function checkLambdaManifest(
  text: string,
  mediaType: string | undefined,
  image?: ImagePlatform,
): LambdaManifest {
  let body: ManifestBody;
  try {
    body = JSON.parse(text) as ManifestBody;
  } catch {
    throw refused('The registry returned a manifest that is not JSON.');
  }
  if (typeof body !== 'object' || body === null) {
    throw refused('The registry returned a manifest that is not a JSON object.');
  }
  const type = mediaTypeOf(body, mediaType);
  if (type === MEDIA_TYPES.dockerSchema1 || type === MEDIA_TYPES.dockerSchema1Signed) {
    throw refused(
      `The image has a Docker schema 1 manifest (${type}), a format Lambda does not accept.`,
      'Push it again with a current Docker engine (18.06 or newer writes schema 2).',
    );
  }
  if (type === MEDIA_TYPES.ociIndex || type === MEDIA_TYPES.dockerList) {
    const platforms = (body.manifests ?? []).map(platformOf).join(', ');
    throw refused(
      `The image is a multi-platform index (${type}${platforms ? `: ${platforms}` : ''}), and Lambda does not run image indexes.`,
      'Push a single-platform image: build with `--platform linux/amd64` (or linux/arm64) and `--provenance=false` when using buildx, or turn off the containerd image store for this build.',
    );
  }
  if (type !== MEDIA_TYPES.dockerSchema2 && type !== MEDIA_TYPES.ociManifest) {
    throw refused(
      `The manifest's media type is ${type || 'missing'}, which Lambda does not accept.`,
    );
  }
  const configType = body.config?.mediaType;
  const configDigest = body.config?.digest;
  if (typeof configDigest !== 'string' || typeof configType !== 'string') {
    throw refused('The manifest names no image config.');
  }
  if (!IMAGE_CONFIGS.has(configType)) {
    throw refused(
      `The manifest is an artifact (${configType}), not a container image.`,
      'Push the container image itself, not an attestation, signature or other artifact.',
    );
  }
  const layers = body.layers ?? [];
  const compressedSize = layers.reduce(
    (total, layer) => total + (typeof layer.size === 'number' ? layer.size : 0),
    0,
  );
  if (image) checkLambdaPlatform(image);
  // The layers' compressed size is a lower bound of the uncompressed one.
  const size = Math.max(image?.size ?? 0, compressedSize);
  if (size > LAMBDA_MAX_IMAGE_BYTES) throw tooLarge(size);
  return { mediaType: type, configDigest, layers: layers.length, compressedSize };
}

/** Checks an image's platform and size before it is pushed (INVALID_MANIFEST when Lambda would refuse it). */
export function checkLambdaPlatform(image: ImagePlatform): void {
  if (image.os !== 'linux') {
    throw refused(
      `The image is built for ${image.os || 'an unknown system'}; Lambda runs linux images only.`,
      'Build it for linux/amd64 or linux/arm64.',
    );
  }
  if (!ARCHITECTURES.has(image.architecture)) {
    throw refused(
      `The image is built for the ${image.architecture || 'unknown'} architecture; Lambda runs amd64 (x86_64) and arm64 only.`,
      'Build it for linux/amd64 or linux/arm64 (createLocalImage: platform).',
    );
  }
  if ((image.size ?? 0) > LAMBDA_MAX_IMAGE_BYTES) throw tooLarge(image.size ?? 0);
}

/** The manifest's media type: the registry's word, else the body's, else its shape. */
function mediaTypeOf(body: ManifestBody, given: string | undefined): string {
  if (given) return given;
  if (typeof body.mediaType === 'string') return body.mediaType;
  if (body.schemaVersion === 1) return MEDIA_TYPES.dockerSchema1;
  // OCI allows leaving mediaType out: an index lists manifests, a manifest has a config.
  if (Array.isArray(body.manifests)) return MEDIA_TYPES.ociIndex;
  if (body.config) return MEDIA_TYPES.ociManifest;
  return '';
}

function platformOf(descriptor: Descriptor): string {
  const os = descriptor.platform?.os;
  const architecture = descriptor.platform?.architecture;
  return typeof os === 'string' && typeof architecture === 'string'
    ? `${os}/${architecture}`
    : 'unknown';
}

function tooLarge(size: number): LambdashError {
  return refused(
    `The image is ${(size / 1024 ** 3).toFixed(1)} GB uncompressed; Lambda's limit is 10 GB.`,
    'Make it smaller: bundle fewer packages, leave build tools out, or use a slimmer base image.',
  );
}

function refused(message: string, hint?: string): LambdashError {
  return new LambdashError(
    'INVALID_MANIFEST',
    `${message} ${WHAT_LAMBDA_TAKES}`,
    hint ??
      'Push an image built by lambdash (lambdash build; createLocalImage), or one built for a single linux platform with a current Docker engine.',
  );
}
