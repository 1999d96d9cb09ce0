// AWS's tag rules, checked before any call: keys of 1–128 characters not starting with `aws:`,
// values of at most 256, at most 50 tags per resource (ECR and Lambda alike). Docker labels
// allow longer values, so an image's labels are checked again when they become tags.
import { LambdashError } from '../common/errors.js';
import { getUserLabels, LABEL_PREFIX, LABELS, validateUserLabels } from '../common/labels.js';

const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;
const MAX_TAGS = 50;

/**
 * The labels of an image that AWS can hold as tags. Labels read off an image are not all the
 * user's doing (a base image brings its own), so those AWS would refuse are left out, not cut.
 */
export function taggableLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).filter(
      ([key, value]) =>
        key.length >= 1 &&
        key.length <= MAX_TAG_KEY &&
        !/^aws:/i.test(key) &&
        value.length <= MAX_TAG_VALUE,
    ),
  );
}

/**
 * `tags` with the user's labels of the image a resource is made from beneath them (the tags
 * given win), as AWS allows them: labels given once to an image follow it to its function.
 * Only the user's: the image's lineage is the caller's to give (a repository's lineage tags
 * describe its newest push, which need not be this image).
 */
export function withImageLabels(
  tags: Readonly<Record<string, string>>,
  imageLabels: Readonly<Record<string, string>>,
): Record<string, string> {
  return resourceTags({ ...taggableLabels(getUserLabels({ labels: imageLabels })), ...tags });
}

/**
 * lambdash's lineage tags and the user's labels as one tag set AWS accepts: user labels are
 * checked as labels (no dev.lambdash. prefix), both against AWS's limits (INVALID_LABEL).
 */
export function resourceTags(
  lineageTags: Readonly<Record<string, string>> = {},
  userLabels: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const tags = { ...validateUserLabels(userLabels), ...lineageTags };
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > MAX_TAG_KEY || /^aws:/i.test(key)) {
      throw new LambdashError(
        'INVALID_LABEL',
        `"${key}" cannot be an AWS tag key.`,
        `Use 1 to ${MAX_TAG_KEY} characters, not starting with "aws:".`,
      );
    }
    if (typeof value !== 'string' || value.length > MAX_TAG_VALUE) {
      throw new LambdashError(
        'INVALID_LABEL',
        `The value of "${key}" is longer than the ${MAX_TAG_VALUE} characters AWS allows in a tag.`,
        `Shorten it to at most ${MAX_TAG_VALUE} characters: labels become tags of the repository and the function.`,
      );
    }
  }
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS) {
    throw new LambdashError(
      'INVALID_LABEL',
      `${count} tags are more than the ${MAX_TAGS} AWS allows on a resource.`,
      `Give fewer labels of your own: lambdash adds ${Object.keys(lineageTags).length} of its own.`,
    );
  }
  return tags;
}

/**
 * What to tag and untag so a resource carries `wanted`: the tags that differ, and with
 * `replaceLineage` lambdash's lineage tags no longer wanted (one left from an earlier image
 * would describe the new one wrongly). lambdash's mark says who made the resource and stays;
 * so do the user's other tags, which may come from elsewhere (a console, a pipeline).
 */
export function tagChanges(
  have: Readonly<Record<string, string>>,
  wanted: Readonly<Record<string, string>>,
  replaceLineage: boolean,
): { readonly set: Record<string, string>; readonly remove: string[] } {
  const set = Object.fromEntries(
    Object.entries(wanted).filter(([key, value]) => have[key] !== value),
  );
  const remove = replaceLineage
    ? Object.keys(have).filter(
        (key) => key.startsWith(LABEL_PREFIX) && key !== LABELS.generated && !(key in wanted),
      )
    : [];
  return { set, remove };
}
