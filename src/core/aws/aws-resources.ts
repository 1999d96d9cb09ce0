// The AWS resources lambdash makes and reads, as plain data: what the lineage table, the
// command line and scripts see. Each is read back from AWS (or the local cloud), never cached
// on disk.

export interface EcrRepo {
  readonly name: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` (the local cloud: `127.0.0.1:<port>/<name>`). */
  readonly uri: string;
  readonly arn: string;
  readonly registryId: string;
  readonly created: Date;
  readonly scanOnPush: boolean;
  readonly tagMutability: 'MUTABLE' | 'IMMUTABLE';
  /** lambdash's lineage tags (`dev.lambdash.*`) and the user's. */
  readonly tags: Readonly<Record<string, string>>;
}

/** One image in an ECR repository, known by its digest. */
export interface RemoteImage {
  /** The repository's name. */
  readonly repo: string;
  /** The repository's URI. */
  readonly repoUri: string;
  /** `sha256:...` of the manifest. */
  readonly digest: string;
  /** `<repoUri>@<digest>`: what a function is created from. */
  readonly uri: string;
  readonly tags: readonly string[];
  readonly pushed: Date;
  /** Compressed size in bytes, as ECR reports it. */
  readonly size: number;
  readonly mediaType: string | undefined;
  /**
   * Its repository's tags (lambdash's lineage and the user's labels): ECR tags repositories, not
   * images, and a push tags the repository with the image's labels. The lineage tags describe the
   * repository's newest push; getUserLabels gives the user's.
   */
  readonly labels: Readonly<Record<string, string>>;
}

export interface LambdaRole {
  readonly name: string;
  readonly arn: string;
  readonly created: Date;
  /** ARNs of the managed policies attached to it. */
  readonly policies: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

export type FunctionState = 'Pending' | 'Active' | 'Inactive' | 'Failed';
export type UpdateStatus = 'Successful' | 'Failed' | 'InProgress';
export type Architecture = 'x86_64' | 'arm64';

export interface LambdaFunction {
  readonly name: string;
  readonly arn: string;
  readonly state: FunctionState;
  /** Why the function is Failed (or Pending), as Lambda says. */
  readonly stateReason: string | undefined;
  readonly lastUpdateStatus: UpdateStatus | undefined;
  readonly lastUpdateStatusReason: string | undefined;
  /** The image it was created from, as given (a tag or a digest). */
  readonly imageUri: string;
  /** `<repoUri>@sha256:...`: the image it runs, once Lambda has resolved it. */
  readonly resolvedImageUri: string | undefined;
  readonly role: string;
  readonly timeout: number;
  readonly memorySize: number;
  readonly architecture: Architecture;
  readonly environment: Readonly<Record<string, string>>;
  readonly lastModified: Date;
  readonly tags: Readonly<Record<string, string>>;
}

/** `sha256:...` of an image URI written `<repo>@sha256:...`, else undefined. */
export function digestOf(uri: string | undefined): string | undefined {
  const at = uri?.lastIndexOf('@') ?? -1;
  return uri && at >= 0 ? uri.slice(at + 1) : undefined;
}
