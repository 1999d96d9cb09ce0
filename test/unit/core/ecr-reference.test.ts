import { describe, expect, it } from 'vitest';
import {
  parseEcrReference,
  registryOf,
  repoOfImageName,
} from '../../../src/core/ecr/ecr-reference.js';
import { failure } from '../../support/images.js';

const digest = `sha256:${'ab'.repeat(32)}`;

const invalid = (text: string) => failure(Promise.resolve().then(() => parseEcrReference(text)));

describe('parseEcrReference', () => {
  it('reads bare names, tags and digests', async () => {
    expect(parseEcrReference('orders-api')).toEqual({ repo: 'orders-api' });
    expect(parseEcrReference('team/orders-api:v1.2')).toEqual({
      repo: 'team/orders-api',
      tag: 'v1.2',
    });
    expect(parseEcrReference(`orders-api@${digest}`)).toEqual({ repo: 'orders-api', digest });
    expect(parseEcrReference(`orders-api:v1@${digest}`)).toEqual({
      repo: 'orders-api',
      tag: 'v1',
      digest,
    });
  });

  it('reads the registry of full URIs: ECR hosts, hosts with a port, IP addresses', async () => {
    expect(
      parseEcrReference('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/fn:latest'),
    ).toEqual({
      registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      repo: 'team/fn',
      tag: 'latest',
    });
    expect(parseEcrReference(`127.0.0.1:41855/fn@${digest}`)).toEqual({
      registry: '127.0.0.1:41855',
      repo: 'fn',
      digest,
    });
    expect(parseEcrReference('localhost/fn')).toEqual({ registry: 'localhost', repo: 'fn' });
  });

  it('keeps a dotted first part as part of the repository name (ECR allows dots)', async () => {
    expect(parseEcrReference('team.a/fn:v1')).toEqual({ repo: 'team.a/fn', tag: 'v1' });
  });

  it('refuses names, tags and digests ECR would refuse, with INVALID_NAME', async () => {
    expect((await invalid('Orders')).message).toBe('"Orders" is not a valid image name.');
    expect((await invalid('fn:-bad')).message).toBe('"-bad" is not a valid image tag.');
    expect((await invalid('fn@sha256:abc')).message).toBe('"sha256:abc" is not an image digest.');
    expect((await invalid('')).code).toBe('INVALID_NAME');
    expect((await invalid('127.0.0.1:5000/')).code).toBe('INVALID_NAME');
  });
});

describe('registryOf', () => {
  it('is the host part of a repository URI', async () => {
    expect(registryOf('127.0.0.1:41855/team/fn')).toBe('127.0.0.1:41855');
    expect(registryOf('fn')).toBe('');
  });
});

describe('repoOfImageName', () => {
  it('leaves out the registry a local image is named by, as Docker reads local names', () => {
    expect(repoOfImageName('team/fn')).toBe('team/fn');
    expect(repoOfImageName('fn')).toBe('fn');
    expect(repoOfImageName('127.0.0.1:5000/team/fn')).toBe('team/fn');
    expect(repoOfImageName('123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn')).toBe('fn');
    expect(repoOfImageName('localhost/fn')).toBe('fn');
  });
});
