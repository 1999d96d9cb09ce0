// Which Host headers the emulator answers: names an attacker cannot point at 127.0.0.1 by DNS
// rebinding (IP literals, localhost, single labels, *.internal) pass; any other name only when
// LAMBDASH_ALLOWED_HOSTS (or the second argument) lists it.
import { afterEach, describe, expect, it } from 'vitest';
import { isTrustedHost } from '../../../../runtime/emulator/trusted-host.js';

describe('isTrustedHost', () => {
  it.each([
    '127.0.0.1',
    '127.0.0.1:9000',
    '192.168.1.20:8080',
    '[::1]',
    '[::1]:9000',
    '[::ffff:127.0.0.1]:9000',
    'localhost',
    'localhost:9000',
    'LOCALHOST:9000',
    'a.localhost',
    'api.dev.localhost:3000',
    'lambda',
    'my-function:8080',
    'host.docker.internal',
    'host.docker.internal:9000',
  ])('trusts %j', (host) => {
    expect(isTrustedHost(host, '')).toBe(true);
  });

  it.each([
    'evil.example',
    'evil.example:8080',
    'rebind.evil.example:9000',
    'localhost.evil.example',
    '127.0.0.1.nip.io:9000',
    'evil-localhost.example',
    'localhost.',
  ])('does not trust %j', (host) => {
    expect(isTrustedHost(host, '')).toBe(false);
  });

  it('trusts nothing without a Host, or with a broken IPv6 literal', () => {
    expect(isTrustedHost(undefined, '')).toBe(false);
    expect(isTrustedHost('', '')).toBe(false);
    expect(isTrustedHost('[::1', '')).toBe(false);
  });

  it('trusts the names an allow-list gives, ignoring case, spaces and ports', () => {
    const allowed = 'api.example.test, Other.Example.Test ,';
    expect(isTrustedHost('api.example.test', allowed)).toBe(true);
    expect(isTrustedHost('API.Example.TEST:8080', allowed)).toBe(true);
    expect(isTrustedHost('other.example.test:9000', allowed)).toBe(true);
    expect(isTrustedHost('evil.example', allowed)).toBe(false);
    expect(isTrustedHost('example.test', allowed)).toBe(false);
    expect(isTrustedHost('sub.api.example.test', allowed)).toBe(false);
  });
});

describe('isTrustedHost with LAMBDASH_ALLOWED_HOSTS', () => {
  const saved = process.env.LAMBDASH_ALLOWED_HOSTS;
  afterEach(() => {
    if (saved === undefined) delete process.env.LAMBDASH_ALLOWED_HOSTS;
    else process.env.LAMBDASH_ALLOWED_HOSTS = saved;
  });

  it('reads the allow-list from the environment when none is given', () => {
    process.env.LAMBDASH_ALLOWED_HOSTS = 'dev.example.test';
    expect(isTrustedHost('dev.example.test:9000')).toBe(true);
    expect(isTrustedHost('evil.example')).toBe(false);
    delete process.env.LAMBDASH_ALLOWED_HOSTS;
    expect(isTrustedHost('dev.example.test:9000')).toBe(false);
    expect(isTrustedHost('localhost:9000')).toBe(true);
  });
});
