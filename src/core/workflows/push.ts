// The push workflow: a local image to ECR (its repository made when missing), the image read
// first so that a name that is no image refuses before anything is pushed.
import type { RemoteImage } from '../aws/aws-resources.js';
import { type PushOptions, pushToEcr } from '../ecr/push.js';
import { getLocalImage } from '../images/local-image-queries.js';
import type { LocalImage } from '../images/types.js';
import { type EachOptions, type EachOutcome, runEach } from './each.js';
import { reportStage, type WorkflowOptions } from './stage.js';

export interface PushResult {
  readonly name: string;
  /** The local image pushed. */
  readonly image: { readonly id: string; readonly ref: string };
  readonly remoteImage: RemoteImage;
}

export type PushWorkflowOptions = PushOptions & WorkflowOptions;

/** Pushes a local image (or `name[:tag]`, an id) under the responder's name. */
export async function pushLocalImage(
  name: string,
  image: LocalImage | string,
  options: PushWorkflowOptions = {},
): Promise<PushResult> {
  const local = typeof image === 'string' ? await getLocalImage(image) : image;
  reportStage(options, { step: 'push', name });
  const remoteImage = await pushToEcr(local, options);
  return { name, image: { id: local.id, ref: local.ref }, remoteImage };
}

/** Pushes each image (`name[:tag]` or id); all are looked up first, one failing stops none. */
export function pushEach(
  images: readonly string[],
  options: PushWorkflowOptions & EachOptions<PushResult> = {},
): Promise<EachOutcome<PushResult>[]> {
  return runEach(
    images,
    {
      nameOf: (image) => image,
      prepare: async (image) => ({ name: image, image: await getLocalImage(image) }),
      run: ({ name, image }) => pushLocalImage(name, image, options),
    },
    options,
  );
}
