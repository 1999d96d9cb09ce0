// `lambdash push`: local images into the local cloud's ECR, checked through the SDK.
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { jsonOf, lambdash, projectFixture, tempDir, uniqueName } from '../run-cli.js';

const name = uniqueName('push');
const second = uniqueName('push2');
const fx = projectFixture([{ name }, { name: second }], { build: [name, second] });

// Builds, pushes and deploys take seconds each, more on a busy machine.
describe('lambdash push', { timeout: 120_000 }, () => {
  it('pushes an image to ECR, creating its repository, and reports the remote image', async () => {
    const result = await lambdash(
      ['push', name, '--tag', 'v1', '--json', '--endpoint', fx.cloud.cloud.endpoint],
      {
        cwd: fx.project,
      },
    );
    expect(result.code).toBe(0);
    const [pushed] = jsonOf(result) as { name: string; remoteImage: Record<string, unknown> }[];
    expect(pushed).toMatchObject({
      name,
      remoteImage: {
        repo: name,
        tags: ['v1'],
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      },
    });
    const described = await fx.cloud.target.clients.ecr.send(
      new DescribeImagesCommand({ repositoryName: name }),
    );
    expect(described.imageDetails?.map((d) => [d.imageDigest, d.imageTags])).toEqual([
      [pushed!.remoteImage.digest, ['v1']],
    ]);
    expect(result.stderr).toContain(
      `pushing ${name} to local cloud ${new URL(fx.cloud.cloud.endpoint).host}`,
    );
    expect(result.stderr).toMatch(/^push: layer [0-9a-f]{12} Pushed/m);
  });

  it('pushes every responder of the project without names, as a table', async () => {
    const result = await lambdash(['push', '-q', '--endpoint', fx.cloud.cloud.endpoint], {
      cwd: fx.project,
    });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RESPONDER +REPOSITORY +DIGEST +TAGS +SIZE$/);
    const rows = lines.slice(1).map((line) => line.split(/ +/));
    expect(rows.map((row) => row[0])).toEqual([name, second]);
    expect(rows.map((row) => row[1])).toEqual([
      expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:\\d+/${name}$`)),
      expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:\\d+/${second}$`)),
    ]);
    // The same image as the first test's push: one digest, both tags.
    expect(rows.map((row) => row[3])).toEqual(['latest,v1', 'latest']);
  });

  it('refuses an image that does not exist (3) and --repo for two images (2)', async () => {
    const missing = await lambdash(
      ['push', `${name}-none`, '--endpoint', fx.cloud.cloud.endpoint],
      {
        cwd: tempDir(),
      },
    );
    expect(missing.code).toBe(3);
    const repo = await lambdash(['push', '--repo', 'x1', '--endpoint', fx.cloud.cloud.endpoint], {
      cwd: fx.project,
    });
    expect(repo.code).toBe(2);
    expect(repo.stderr.split('\n')[0]).toBe(
      'error: --repo names one repository, but 2 images were chosen.',
    );
  });
});
