// Reading git sources: URL and ref apart, and URLs whose credentials would be published.
import { describe, expect, it } from 'vitest';
import { checkGitUrl, parseGitSource } from '../../../src/core/responder/git-source.js';

describe('parseGitSource', () => {
  it.each([
    ['https://github.com/acme/orders.git', 'https://github.com/acme/orders.git', undefined],
    ['https://github.com/acme/orders#v1.2.0', 'https://github.com/acme/orders', 'v1.2.0'],
    ['git+https://github.com/acme/orders.git#main', 'https://github.com/acme/orders.git', 'main'],
    [
      'ssh://git@github.com/acme/orders.git#feature/x',
      'ssh://git@github.com/acme/orders.git',
      'feature/x',
    ],
    ['git@github.com:acme/orders.git#3f2c1ab', 'git@github.com:acme/orders.git', '3f2c1ab'],
    ['file:///srv/repos/orders#main', 'file:///srv/repos/orders', 'main'],
    ['/srv/repos/orders.git#v1', '/srv/repos/orders.git', 'v1'],
  ])('reads %s', (source, url, ref) => {
    expect(parseGitSource(source)).toEqual({ url, ref });
  });

  it.each(['./handler.ts', '/srv/code/orders', 'orders', 'C#/fn.ts'])(
    'leaves the path %s alone',
    (source) => {
      expect(parseGitSource(source)).toBeUndefined();
    },
  );
});

describe('checkGitUrl', () => {
  it.each([
    'ssh://git@git.example.com/acme/orders.git',
    'git@git.example.com:acme/orders.git',
    'https://git.example.com/acme/orders.git',
    'file:///srv/orders.git',
  ])('takes %s, whose user name (if any) is no secret', (url) => {
    expect(() => checkGitUrl(url)).not.toThrow();
  });

  it.each([
    'ssh://git:secret@git.example.com/acme/orders.git',
    'https://token@git.example.com/acme/orders.git',
  ])('refuses %s', (url) => {
    expect(() => checkGitUrl(url)).toThrow('The git URL carries credentials.');
  });
});
