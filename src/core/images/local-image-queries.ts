// The local images lambdash made (or any), found again: one by name or id, or all of them by
// their labels.
import type Docker from 'dockerode';
import { LambdashError } from '../common/errors.js';
import { dockerError, getDocker, inspectImage } from './docker.js';
import { type DockerFilters, withGeneratedLabel } from './docker-filters.js';
import { toLocalImage } from './local-image-info.js';
import type { LocalImage } from './types.js';

/**
 * An image by `name[:tag]` or by an id (prefix) of at least 4 characters, with or without
 * `sha256:`. A bare hex word such as `cafe` is looked up as an id first, then as a name.
 */
export async function getLocalImage(nameOrId: string): Promise<LocalImage> {
  const docker = getDocker();
  const idLike = /^(sha256:)?([0-9a-f]{4,64})$/.exec(nameOrId);
  if (idLike) {
    const id = idLike[2]!;
    let images: Docker.ImageInfo[];
    try {
      images = await docker.listImages({ all: false });
    } catch (error) {
      throw dockerError(error, 'list the local images');
    }
    const matches = images.filter((image) => image.Id.replace(/^sha256:/, '').startsWith(id));
    if (matches.length > 1) {
      throw new LambdashError(
        'AMBIGUOUS_IMAGE',
        `${matches.length} images have ids starting with ${id}.`,
        'Give more characters of the id.',
      );
    }
    if (matches.length === 1) return toLocalImage(matches[0]!);
    if (idLike[1]) {
      throw new LambdashError(
        'IMAGE_NOT_FOUND',
        `No local image has an id starting with ${id}.`,
        'Check the id, or list the images lambdash made.',
      );
    }
  }
  const ref = nameOrId.includes(':') ? nameOrId : `${nameOrId}:latest`;
  const info = await inspectImage(ref);
  if (!info) {
    throw new LambdashError(
      'IMAGE_NOT_FOUND',
      idLike
        ? `No local image has an id starting with ${nameOrId}, nor is there a local image ${ref}.`
        : `There is no local image ${ref}.`,
      'Build it first, or list the images lambdash made.',
    );
  }
  return toLocalImage(info, ref);
}

/**
 * The images lambdash made (Jot's default: generated only), or with `generatedOnly: false`
 * every image, newest first. `filters` go to the engine as they are (Jot's `args`), joined to
 * lambdash's own label filter.
 */
export async function getAllLocalImages(
  options: { readonly generatedOnly?: boolean; readonly filters?: DockerFilters } = {},
): Promise<LocalImage[]> {
  const filters = withGeneratedLabel(options.filters, options.generatedOnly ?? true);
  let images: Docker.ImageInfo[];
  try {
    images = await getDocker().listImages(filters ? { filters: JSON.stringify(filters) } : {});
  } catch (error) {
    throw dockerError(error, 'list the local images');
  }
  return images
    .map((image) => toLocalImage(image))
    .sort((a, b) => b.created.getTime() - a.created.getTime());
}
