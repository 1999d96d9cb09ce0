// ECR's image ids (a digest, a tag, or both) and how one names an image of a repository, with
// the per-id failures BatchGetImage and BatchDeleteImage report instead of throwing.
import type { RegistryImage } from './registry-client.js';

export interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

export interface ImageFailure {
  imageId: ImageId;
  failureCode: string;
  failureReason: string;
}

export type TagStatus = 'TAGGED' | 'UNTAGGED' | 'ANY';

const ECR_DIGEST_PATTERN = /^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$/;

export function imageNotFound(id: ImageId): ImageFailure {
  return { imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' };
}

export function tagDoesNotMatchDigest(id: ImageId): ImageFailure {
  return {
    imageId: id,
    failureCode: 'ImageTagDoesNotMatchDigest',
    failureReason: 'Invalid request parameters: given tag does not map to the given digest',
  };
}

/** The failure ECR reports for an id that cannot name an image at all. */
export function idProblem(id: ImageId): ImageFailure | undefined {
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

/** The image an id names among a repository's images, or why there is none. */
export function findImage(
  images: RegistryImage[],
  id: ImageId,
): { image: RegistryImage; failure?: undefined } | { image?: undefined; failure: ImageFailure } {
  const problem = idProblem(id);
  if (problem) return { failure: problem };
  const byDigest = id.imageDigest
    ? images.find((image) => image.digest === id.imageDigest)
    : undefined;
  const byTag = id.imageTag ? images.find((image) => image.tags.includes(id.imageTag!)) : undefined;
  if (id.imageDigest && id.imageTag && byDigest && byTag && byDigest !== byTag) {
    return { failure: tagDoesNotMatchDigest(id) };
  }
  const image = id.imageDigest ? (id.imageTag ? byTag && byDigest : byDigest) : byTag;
  if (image) return { image };
  return { failure: imageNotFound(id) };
}

export function matchesTagStatus(image: RegistryImage, status: TagStatus): boolean {
  if (status === 'ANY') return true;
  return status === 'TAGGED' ? image.tags.length > 0 : image.tags.length === 0;
}
