// Which repository and digest an image reference names: the one rule that joins a remote image
// to the function running it (the lineage, getLambdaFunction by repository). The registry host
// is left out: the local cloud's registry port changes between runs.
import { digestOf } from './aws-resources.js';

/** `host/repo/path@sha256:…` → the repository path and the digest; undefined without a digest. */
export function parseReference(
  reference: string | undefined,
): { repo: string; digest: string } | undefined {
  const digest = digestOf(reference);
  if (!reference || !digest) return undefined;
  const name = reference.slice(0, reference.lastIndexOf('@'));
  const slash = name.indexOf('/');
  // The first part is a registry host when it has a dot, a port or is localhost (Docker's rule).
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const hasHost = /[.:]/.test(first) || first === 'localhost';
  return { repo: hasHost ? name.slice(slash + 1) : name, digest };
}
