// Images of test/fixtures/handlers/functions/app.ts for the core's Lambda tests: built once per
// version (each a copy of the fixture with another VERSION), pushed to the test target's ECR
// with its token, and removed afterwards.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import type { RemoteImage } from '../../src/core/aws/aws-resources.js';
import type { AwsTarget } from '../../src/core/aws/aws-target.js';
import {
  createLocalImage,
  deleteLocalImage,
  getResponder,
  type LocalImage,
} from '../../src/core/index.js';
import { testDocker } from './docker.js';
import { pushToLocalEcr } from './localcloud.js';
import { handlersDir } from './paths.js';

export const appFixture = path.join(handlersDir, 'functions', 'app.ts');

export interface PushedVersion {
  readonly tag: string;
  readonly image: LocalImage;
  /** `<repoUri>:<tag>` */
  readonly uri: string;
  readonly repoUri: string;
  readonly digest: string;
}

export interface FunctionImages {
  readonly repo: string;
  readonly versions: Readonly<Record<string, PushedVersion>>;
  remove(): Promise<void>;
}

/** Builds the fixture as each version (`v1`, `v2`...) and pushes it to `repo` as that tag. */
export async function pushFunctionImages(
  target: AwsTarget,
  repo: string,
  tags: readonly string[],
): Promise<FunctionImages> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-fn-images-'));
  const versions: Record<string, PushedVersion> = {};
  const pushedRefs: string[] = [];
  const remove = async () => {
    const docker = testDocker();
    for (const ref of pushedRefs) {
      await docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => undefined);
    }
    for (const version of Object.values(versions)) {
      await deleteLocalImage(version.image, { force: true }).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const source = readFileSync(appFixture, 'utf8');
    for (const tag of tags) {
      const file = path.join(dir, tag, 'app.ts');
      const text = source.replace("const VERSION = 'v1';", `const VERSION = '${tag}';`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      const image = await createLocalImage(
        await getResponder(file, { name: repo.replace(/\//g, '-') }),
        { tag },
      );
      const { uri, repositoryUri } = await pushToLocalEcr(target.clients.ecr, repo, image.id, tag);
      pushedRefs.push(uri);
      const described = await target.clients.ecr.send(
        new DescribeImagesCommand({ repositoryName: repo, imageIds: [{ imageTag: tag }] }),
      );
      const digest = described.imageDetails?.[0]?.imageDigest;
      if (!digest) throw new Error(`no digest for ${uri}`);
      versions[tag] = { tag, image, uri, repoUri: repositoryUri, digest };
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return { repo, versions, remove };
}

/** The pushed version as a RemoteImage (by its digest). */
export function remoteImageOf(version: PushedVersion): RemoteImage {
  return {
    repo: version.repoUri.slice(version.repoUri.indexOf('/') + 1),
    repoUri: version.repoUri,
    digest: version.digest,
    uri: `${version.repoUri}@${version.digest}`,
    tags: [version.tag],
    pushed: new Date(),
    size: 0,
    mediaType: undefined,
    labels: {},
  };
}

/** An image of the version's repository by a digest the registry does not have. */
export function unpushedImage(version: PushedVersion): RemoteImage {
  const digest = `sha256:${'0'.repeat(64)}`;
  return { ...remoteImageOf(version), digest, uri: `${version.repoUri}@${digest}`, tags: [] };
}
