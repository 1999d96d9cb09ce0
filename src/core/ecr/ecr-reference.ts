// Names of remote images as people write them: `repo`, `repo:tag`, `repo@sha256:...`, or a full
// URI `<registry>/<repo>[:tag][@sha256:...]`. Checked before any call, so ECR never sees a name
// it would reject.
import { LambdashError } from '../common/errors.js';
import { validateImageName, validateTag } from '../common/names.js';

export interface EcrReference {
  /** `123456789012.dkr.ecr.eu-west-1.amazonaws.com`, `127.0.0.1:5000`; absent for a bare name. */
  readonly registry?: string;
  readonly repo: string;
  readonly tag?: string;
  readonly digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Reads a reference. The first part is a registry when it has a port, is `localhost`, or is an
 * AWS host: repository names may contain dots (`team.a/fn`), so a dot alone does not make a host.
 */
export function parseEcrReference(text: string): EcrReference {
  if (typeof text !== 'string' || text.length === 0) {
    throw new LambdashError(
      'INVALID_NAME',
      'An empty string names no remote image.',
      'Name one as "repo", "repo:tag", "repo@sha256:..." or by its full URI.',
    );
  }
  const at = text.indexOf('@');
  const digest = at >= 0 ? text.slice(at + 1) : undefined;
  if (digest !== undefined && !DIGEST.test(digest)) {
    throw new LambdashError(
      'INVALID_NAME',
      `"${digest}" is not an image digest.`,
      'A digest is "sha256:" followed by 64 lower-case hex digits.',
    );
  }
  let rest = at >= 0 ? text.slice(0, at) : text;
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0 && isRegistryHost(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  const colon = rest.lastIndexOf(':');
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
  const repo = colon >= 0 ? rest.slice(0, colon) : rest;
  validateImageName(repo);
  if (tag !== undefined) validateTag(tag);
  return {
    ...(registry ? { registry } : {}),
    repo,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** The registry host of a repository URI (`host/name` → `host`). */
export function registryOf(repoUri: string): string {
  const slash = repoUri.indexOf('/');
  return slash >= 0 ? repoUri.slice(0, slash) : '';
}

/**
 * The repository a local image goes to: its name without the registry it may already be named
 * by (`127.0.0.1:5000/team/fn` after a push → `team/fn`). Docker's rule for local names
 * applies: a first part with a dot or a port, or `localhost`, is a registry.
 */
export function repoOfImageName(name: string): string {
  const slash = name.indexOf('/');
  const first = slash > 0 ? name.slice(0, slash) : '';
  return first.includes(':') || first.includes('.') || first === 'localhost'
    ? name.slice(slash + 1)
    : name;
}

function isRegistryHost(part: string): boolean {
  return (
    part.includes(':') ||
    part === 'localhost' ||
    /\.amazonaws\.com(\.cn)?$/.test(part) ||
    /^\d{1,3}(\.\d{1,3}){3}$/.test(part)
  );
}
