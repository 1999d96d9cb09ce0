// A local image as lambdash describes it, read from what the engine says of it (a list entry
// or an inspection): its own name among its tags, and what lambdash's labels say of its source.
import type Docker from 'dockerode';
import { LABELS } from '../common/labels.js';
import { TEMPORARY_TAG_PREFIX } from './leftovers.js';
import type { LocalImage } from './types.js';

export function toLocalImage(
  info: Docker.ImageInfo | Docker.ImageInspectInfo,
  wanted?: string,
): LocalImage {
  // A build's temporary tag is not a name the image has yet (it goes when the build ends).
  const tags =
    ('RepoTags' in info ? info.RepoTags : undefined)?.filter(
      (t) => t && t !== '<none>:<none>' && !t.includes(`:${TEMPORARY_TAG_PREFIX}`),
    ) ?? [];
  const labels: Record<string, string> =
    ('Labels' in info ? info.Labels : (info as Docker.ImageInspectInfo).Config?.Labels) ?? {};
  const ref = (wanted && tags.includes(wanted) ? wanted : ownTag(tags, labels)) ?? '';
  const colon = ref.lastIndexOf(':');
  const created =
    typeof info.Created === 'number' ? new Date(info.Created * 1000) : new Date(info.Created);
  const responder =
    labels[LABELS.generated] === 'true' && labels[LABELS.hash]
      ? {
          name: labels[LABELS.name] ?? '',
          source: labels[LABELS.source] ?? '',
          handler: labels[LABELS.handler] ?? '',
          hash: labels[LABELS.hash] ?? '',
          runtimeVersion: labels[LABELS.runtimeVersion] ?? '',
        }
      : undefined;
  return {
    id: info.Id,
    ref,
    name: colon > 0 ? ref.slice(0, colon) : ref,
    tag: colon > 0 ? ref.slice(colon + 1) : '',
    tags,
    created,
    size: info.Size,
    labels,
    digests: info.RepoDigests ?? [],
    responder,
  };
}

/**
 * The tag that names the image itself: the engine sorts tags, so after a push the registry's
 * `127.0.0.1:5000/name:latest` would come first. The tag of lambdash's name for it wins, then
 * any tag without a registry host.
 */
function ownTag(
  tags: readonly string[],
  labels: Readonly<Record<string, string>>,
): string | undefined {
  const name = labels[LABELS.name];
  const repoOf = (tag: string) => tag.slice(0, tag.lastIndexOf(':'));
  return (
    (name ? tags.find((tag) => repoOf(tag) === name) : undefined) ??
    tags.find((tag) => !/^[^/]*[.:][^/]*\//.test(tag)) ??
    tags[0]
  );
}
