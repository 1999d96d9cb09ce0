// The manifest check on real manifest shapes: what `docker push` (schema 2), BuildKit (OCI
// manifests, indexes with attestations), old engines (schema 1) and Helm (an artifact) write.
import { describe, expect, it } from 'vitest';
import {
  checkLambdaManifest,
  checkLambdaPlatform,
  LAMBDA_MAX_IMAGE_BYTES,
  MEDIA_TYPES,
} from '../../../src/core/ecr/manifest-check.js';
import { failure } from '../../support/images.js';

/** The error `run` throws, which must be a LambdashError. */
const refusal = (run: () => unknown) => failure(Promise.resolve().then(run));

const hex = (c: string) => `sha256:${c.repeat(64)}`;

/** As the Docker engine 20.10 pushed it to the local cloud's registry. */
const schema2 = JSON.stringify({
  schemaVersion: 2,
  mediaType: MEDIA_TYPES.dockerSchema2,
  config: {
    mediaType: 'application/vnd.docker.container.image.v1+json',
    size: 1195,
    digest: hex('a'),
  },
  layers: [
    { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 124, digest: hex('b') },
    {
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      size: 3000,
      digest: hex('c'),
    },
  ],
});

const ociManifest = (configType = 'application/vnd.oci.image.config.v1+json', size = 500) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: configType, size: 600, digest: hex('d') },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size, digest: hex('e') }],
  });

/** docker buildx's default: the platforms' manifests plus provenance attestations. */
const ociIndex = JSON.stringify({
  schemaVersion: 2,
  mediaType: MEDIA_TYPES.ociIndex,
  manifests: [
    {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: hex('1'),
      size: 673,
      platform: { architecture: 'amd64', os: 'linux' },
    },
    {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: hex('2'),
      size: 673,
      platform: { architecture: 'arm64', os: 'linux' },
    },
    {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: hex('3'),
      size: 566,
      annotations: {
        'vnd.docker.reference.digest': hex('1'),
        'vnd.docker.reference.type': 'attestation-manifest',
      },
      platform: { architecture: 'unknown', os: 'unknown' },
    },
  ],
});

/** What registries kept from Docker before 1.10: signed schema 1. */
const schema1 = JSON.stringify({
  schemaVersion: 1,
  name: 'hello-world',
  tag: 'latest',
  architecture: 'amd64',
  fsLayers: [{ blobSum: hex('f') }],
  history: [{ v1Compatibility: '{"id":"e45a5af57b00"}' }],
  signatures: [{ header: { alg: 'ES256' }, signature: 'x', protected: 'y' }],
});

const linuxAmd64 = { os: 'linux', architecture: 'amd64', size: 104_648_684 };

describe('checkLambdaManifest', () => {
  it('accepts a Docker schema 2 manifest of a linux/amd64 image and sums its layers', async () => {
    expect(checkLambdaManifest(schema2, MEDIA_TYPES.dockerSchema2, linuxAmd64)).toEqual({
      mediaType: MEDIA_TYPES.dockerSchema2,
      configDigest: hex('a'),
      layers: 2,
      compressedSize: 3124,
    });
  });

  it('accepts an OCI manifest of a linux/arm64 image, its media type read from the body', async () => {
    const checked = checkLambdaManifest(ociManifest(), undefined, {
      os: 'linux',
      architecture: 'arm64',
    });
    expect(checked).toEqual({
      mediaType: MEDIA_TYPES.ociManifest,
      configDigest: hex('d'),
      layers: 1,
      compressedSize: 500,
    });
  });

  it('takes an OCI manifest without mediaType by its shape', async () => {
    const body = JSON.parse(ociManifest()) as Record<string, unknown>;
    delete body.mediaType;
    expect(checkLambdaManifest(JSON.stringify(body), undefined).mediaType).toBe(
      MEDIA_TYPES.ociManifest,
    );
  });

  it('refuses schema 1, signed or not, saying what Lambda accepts', async () => {
    for (const type of [MEDIA_TYPES.dockerSchema1Signed, undefined]) {
      const error = await refusal(() => checkLambdaManifest(schema1, type, linuxAmd64));
      expect(error.code).toBe('INVALID_MANIFEST');
      expect(error.message).toContain('Docker schema 1 manifest');
      expect(error.message).toContain('Docker image manifest V2 schema 2 or an OCI image manifest');
      expect(error.hint).toContain('current Docker engine');
    }
  });

  it('refuses an OCI index of linux/amd64 and linux/arm64 (Lambda runs single-platform images), naming its platforms', async () => {
    const error = await refusal(() =>
      checkLambdaManifest(ociIndex, MEDIA_TYPES.ociIndex, linuxAmd64),
    );
    expect(error.code).toBe('INVALID_MANIFEST');
    expect(error.message).toContain(
      `multi-platform index (${MEDIA_TYPES.ociIndex}: linux/amd64, linux/arm64, unknown/unknown)`,
    );
    expect(error.hint).toContain('--provenance=false');
  });

  it('refuses a Docker manifest list found by its media type', async () => {
    const list = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.dockerList,
      manifests: [
        {
          mediaType: MEDIA_TYPES.dockerSchema2,
          digest: hex('1'),
          size: 1,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    });
    expect((await refusal(() => checkLambdaManifest(list, undefined))).message).toContain(
      `(${MEDIA_TYPES.dockerList}: linux/amd64)`,
    );
  });

  it('refuses an artifact (a Helm chart) that is not a container image', async () => {
    const chart = ociManifest('application/vnd.cncf.helm.config.v1+json');
    const error = await refusal(() =>
      checkLambdaManifest(chart, MEDIA_TYPES.ociManifest, linuxAmd64),
    );
    expect(error.message).toContain('artifact (application/vnd.cncf.helm.config.v1+json)');
  });

  it('refuses other platforms: windows, 32-bit arm, s390x', async () => {
    const windows = await refusal(() =>
      checkLambdaManifest(schema2, undefined, { os: 'windows', architecture: 'amd64' }),
    );
    expect(windows.message).toContain('built for windows; Lambda runs linux images only');
    for (const architecture of ['arm', 's390x']) {
      expect(
        (
          await refusal(() =>
            checkLambdaManifest(schema2, undefined, { os: 'linux', architecture }),
          )
        ).message,
      ).toContain(`built for the ${architecture} architecture`);
    }
  });

  it('refuses an image over 10 GB uncompressed, and layers over 10 GB compressed', async () => {
    const big = { ...linuxAmd64, size: LAMBDA_MAX_IMAGE_BYTES + 1 };
    expect((await refusal(() => checkLambdaManifest(schema2, undefined, big))).message).toContain(
      "10.0 GB uncompressed; Lambda's limit is 10 GB",
    );
    const hugeLayers = ociManifest(undefined, 11 * 1024 ** 3);
    expect(
      (await refusal(() => checkLambdaManifest(hugeLayers, undefined, linuxAmd64))).message,
    ).toContain('11.0 GB uncompressed');
    // Exactly at the limit is fine.
    expect(
      checkLambdaManifest(schema2, undefined, { ...linuxAmd64, size: LAMBDA_MAX_IMAGE_BYTES })
        .layers,
    ).toBe(2);
  });

  it('refuses what is not a manifest at all', async () => {
    expect((await refusal(() => checkLambdaManifest('<html>', undefined))).message).toContain(
      'not JSON',
    );
    expect((await refusal(() => checkLambdaManifest('null', undefined))).message).toContain(
      'not a JSON object',
    );
    expect(
      (await refusal(() => checkLambdaManifest('{"schemaVersion":2}', undefined))).message,
    ).toContain('media type is missing');
  });
});

describe('checkLambdaPlatform', () => {
  it('passes linux/amd64 and linux/arm64 within the size limit', async () => {
    expect(() => checkLambdaPlatform(linuxAmd64)).not.toThrow();
    expect(() => checkLambdaPlatform({ os: 'linux', architecture: 'arm64' })).not.toThrow();
  });

  it('refuses an image for another system before anything is pushed', async () => {
    expect(
      (await refusal(() => checkLambdaPlatform({ os: 'windows', architecture: 'amd64' }))).code,
    ).toBe('INVALID_MANIFEST');
  });
});
