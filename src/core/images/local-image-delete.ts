// A local image removed with every tag it has, and the containers made from it when forced.
import { isLambdashError, LambdashError } from '../common/errors.js';
import { dockerError, getDocker } from './docker.js';
import { getLocalImage } from './local-image-queries.js';
import type { LocalImage } from './types.js';

/**
 * Removes an image and every tag it has. Containers made from it block this unless `force`,
 * which removes them first. An image other images are built on loses its tags; the engine
 * keeps its layers for them. An image already gone is fine, given by name or by value.
 */
export async function deleteLocalImage(
  image: LocalImage | string,
  options: { force?: boolean } = {},
): Promise<void> {
  // Deleting what is already gone is quiet, by name as by value, as every delete* is.
  const target =
    typeof image === 'string'
      ? await getLocalImage(image).catch((error: unknown) => {
          if (isLambdashError(error, 'IMAGE_NOT_FOUND')) return undefined;
          throw error;
        })
      : image;
  if (!target) return;
  const docker = getDocker();
  const what = target.ref || target.id;
  try {
    // The engine's `ancestor` filter also matches containers of images built on this one:
    // only containers of this very image count.
    const users = (await docker.listContainers({ all: true })).filter(
      (container) => container.ImageID === target.id,
    );
    if (users.length > 0 && !options.force) {
      throw new LambdashError(
        'DOCKER_FAILED',
        `${users.length} container(s) use the image ${what}.`,
        'Stop and delete them first, or delete with force.',
      );
    }
    for (const container of users) await docker.getContainer(container.Id).remove({ force: true });
    await docker.getImage(target.id).remove({ force: true });
  } catch (error) {
    if (error instanceof LambdashError) throw error;
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) return;
    if (status === 409 && /dependent child images/.test(dockerError(error, '').message)) {
      await untagAll(target);
      return;
    }
    throw dockerError(error, `delete the image ${what}`);
  }
}

/** Removes every tag of an image the engine cannot delete (other images are built on it). */
async function untagAll(target: LocalImage): Promise<void> {
  const docker = getDocker();
  const info = await docker
    .getImage(target.id)
    .inspect()
    .catch(() => undefined);
  for (const tag of info?.RepoTags ?? target.tags) {
    try {
      await docker.getImage(tag).remove({ noprune: true });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) {
        throw dockerError(error, `remove the tag ${tag}`);
      }
    }
  }
}
