// The local image a build now would make again: built from exactly the code the responder's
// source holds now (its hash), for the platform, with the labels asked for, by this lambdash.
// A deploy reuses it instead of building; without one, the source changed and it builds.

import { LABELS } from '../common/labels.js';
import { lambdashVersion } from '../common/paths.js';
import type { Platform } from '../images/base-image.js';
import { dockerError, getDocker, inspectImage } from '../images/docker.js';
import { getAllLocalImages, getLocalImage } from '../images/local-image-queries.js';
import type { LocalImage } from '../images/types.js';
import type { Responder } from '../responder/responder.js';

export interface CurrentImageWanted {
  readonly platform: Platform;
  readonly userLabels: Readonly<Record<string, string>>;
  /** The tag the image should carry under the responder's name. */
  readonly tag: string;
}

/**
 * The newest local image of the responder's current code, named `<name>:<tag>` (tagged so now
 * when an older chain held it), or undefined when none was built from this code.
 */
export async function findCurrentImage(
  responder: Responder,
  wanted: CurrentImageWanted,
  signal?: AbortSignal,
): Promise<LocalImage | undefined> {
  // Newest first: when the same code was built twice, the later build is the one people saw.
  for (const image of await getAllLocalImages({ generatedOnly: true })) {
    if (!isBuildOf(image, responder, wanted)) continue;
    const info = await inspectImage(image.id, signal);
    if (!info || `${info.Os}/${info.Architecture}` !== wanted.platform) continue;
    const ref = `${responder.name}:${wanted.tag}`;
    if (image.tags.includes(ref)) return image;
    try {
      await getDocker().getImage(image.id).tag({ repo: responder.name, tag: wanted.tag });
    } catch (error) {
      throw dockerError(error, `tag the image ${ref}`);
    }
    return getLocalImage(ref);
  }
  return undefined;
}

function isBuildOf(image: LocalImage, responder: Responder, wanted: CurrentImageWanted): boolean {
  const labels = image.labels;
  return (
    labels[LABELS.hash] === responder.hash &&
    labels[LABELS.name] === responder.name &&
    labels[LABELS.source] === responder.source &&
    labels[LABELS.runtimeVersion] === lambdashVersion &&
    // The labels asked for (the base image may bring labels of its own beside them).
    Object.entries(wanted.userLabels).every(([key, value]) => labels[key] === value)
  );
}
