// The local cloud's keys: a long-term pair per data folder (made once, mode 0600, shared by
// concurrent first starts) and temporary credentials derived from it, which verify without being
// stored and stop at their expiry or at any change to the token.
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CredentialAuthority,
  loadRootCredentials,
  readRootCredentials,
} from '../../../src/localcloud/credentials.js';
import { ACCOUNT_ID } from '../../../src/localcloud/service.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

afterAll(removeTempDirs);

const KEY_ID = /^AKIA[A-Z2-7]{16}$/;

describe('loadRootCredentials', () => {
  it('makes an AKIA key and a 40-character secret in a file only its owner can read', async () => {
    const dir = makeTempDir();
    const keys = await loadRootCredentials(dir);
    expect(keys.accessKeyId).toMatch(KEY_ID);
    expect(keys.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(keys.sessionToken).toBeUndefined();

    const file = path.join(dir, 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(keys);
    expect(await readdir(dir)).toEqual(['credentials.json']);
  });

  it('returns the same pair on every later call, and readRootCredentials finds it', async () => {
    const dir = makeTempDir();
    const first = await loadRootCredentials(dir);
    expect(await loadRootCredentials(dir)).toEqual(first);
    expect(await readRootCredentials(dir)).toEqual(first);
  });

  it('makes different pairs for different folders', async () => {
    const a = await loadRootCredentials(makeTempDir());
    const b = await loadRootCredentials(makeTempDir());
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    expect(a.secretAccessKey).not.toBe(b.secretAccessKey);
  });

  it('gives concurrent first calls one pair, the one in the file, and leaves nothing else', async () => {
    for (let round = 0; round < 10; round++) {
      const dir = makeTempDir();
      const all = await Promise.all(Array.from({ length: 8 }, () => loadRootCredentials(dir)));
      const stored = await readRootCredentials(dir);
      for (const keys of all) expect(keys).toEqual(stored);
      expect(await readdir(dir)).toEqual(['credentials.json']);
    }
  });

  it('narrows a file that lost its mode back to 0600', async () => {
    const dir = makeTempDir();
    const keys = await loadRootCredentials(dir);
    const file = path.join(dir, 'credentials.json');
    await chmod(file, 0o644);
    expect(await loadRootCredentials(dir)).toEqual(keys);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a file that holds no key pair rather than replacing it', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'credentials.json');
    for (const text of ['', '{"accessKeyId":"AKIAONLYKEYID"}', 'not json']) {
      await writeFile(file, text, { mode: 0o600 });
      await expect(loadRootCredentials(dir)).rejects.toThrow(/credentials\.json does not hold/);
      expect(await readFile(file, 'utf8')).toBe(text);
    }
  });

  it('reads nothing from a folder that has no pair', async () => {
    expect(await readRootCredentials(makeTempDir())).toBeUndefined();
  });
});

describe('CredentialAuthority', () => {
  const root = { accessKeyId: 'AKIAROOTEXAMPLE00000', secretAccessKey: 'root-secret' };
  const authority = new CredentialAuthority(root);
  const ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/service-role/runner`;

  it('knows the root key, as the account root', () => {
    expect(authority.root).toEqual(root);
    expect(authority.lookup(root.accessKeyId, undefined)).toEqual({
      ok: true,
      secretAccessKey: root.secretAccessKey,
      caller: {
        arn: `arn:aws:iam::${ACCOUNT_ID}:root`,
        userId: ACCOUNT_ID,
        accessKeyId: root.accessKeyId,
      },
    });
    expect(authority.lookup('AKIAOTHERKEY00000000', undefined)).toEqual({
      ok: false,
      problem: 'unknown-key',
    });
  });

  it('issues session credentials that look up to the assumed role', () => {
    const before = Date.now();
    const session = authority.issueSession(ROLE, 'my-session', 900);
    expect(session.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(session.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(session.sessionToken).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(session.expiration.getTime()).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000 + 900_000,
    );
    expect(session.expiration.getTime()).toBeLessThanOrEqual(Date.now() + 900_000);

    expect(authority.lookup(session.accessKeyId, session.sessionToken)).toEqual({
      ok: true,
      secretAccessKey: session.secretAccessKey,
      caller: {
        arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/runner/my-session`,
        userId: `${session.accessKeyId}:my-session`,
        accessKeyId: session.accessKeyId,
      },
    });
  });

  it("names the session by the role's id when the issuer gives it", () => {
    const session = authority.issueSession(ROLE, 'fn', 3600, 'AROAEXAMPLEROLEID000');
    const found = authority.lookup(session.accessKeyId, session.sessionToken);
    expect(found.ok && found.caller.userId).toBe('AROAEXAMPLEROLEID000:fn');
  });

  it('issues a new key and secret for every session', () => {
    const a = authority.issueSession(ROLE, 's');
    const b = authority.issueSession(ROLE, 's');
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    expect(a.secretAccessKey).not.toBe(b.secretAccessKey);
    expect(a.sessionToken).not.toBe(b.sessionToken);
  });

  it('still knows its sessions after a restart with the same root pair', () => {
    const session = authority.issueSession(ROLE, 's');
    const restarted = new CredentialAuthority({ ...root });
    const found = restarted.lookup(session.accessKeyId, session.sessionToken);
    expect(found.ok && found.secretAccessKey).toBe(session.secretAccessKey);
  });

  it('refuses a token with its claims or its MAC changed', () => {
    const session = authority.issueSession(ROLE, 's');
    const [payload = '', mac = ''] = session.sessionToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(
      JSON.stringify({ ...claims, r: `arn:aws:iam::${ACCOUNT_ID}:role/admin`, e: 9_999_999_999 }),
    ).toString('base64url');
    // The first character: the last one's low bits may not count.
    const flip = (text: string) => `${text.startsWith('A') ? 'B' : 'A'}${text.slice(1)}`;
    for (const token of [
      `${forged}.${mac}`,
      `${payload}.${flip(mac)}`,
      `${flip(payload)}.${mac}`,
      `${payload}.${mac}.extra`,
      payload,
      '',
      'garbage',
    ]) {
      expect(authority.lookup(session.accessKeyId, token)).toEqual({
        ok: false,
        problem: 'unknown-key',
      });
    }
  });

  it("refuses a token presented with another key's id", () => {
    const a = authority.issueSession(ROLE, 'a');
    const b = authority.issueSession(ROLE, 'b');
    for (const keyId of [b.accessKeyId, root.accessKeyId]) {
      expect(authority.lookup(keyId, a.sessionToken)).toEqual({
        ok: false,
        problem: 'unknown-key',
      });
    }
    // A session key without its token is no key at all.
    expect(authority.lookup(a.accessKeyId, undefined)).toEqual({
      ok: false,
      problem: 'unknown-key',
    });
  });

  it("refuses another authority's tokens", () => {
    const other = new CredentialAuthority({ ...root, secretAccessKey: 'another-secret' });
    const session = other.issueSession(ROLE, 's');
    expect(authority.lookup(session.accessKeyId, session.sessionToken)).toEqual({
      ok: false,
      problem: 'unknown-key',
    });
  });

  it('calls a token past its expiry expired', () => {
    const expired = authority.issueSession(ROLE, 's', -1);
    expect(expired.expiration.getTime()).toBeLessThan(Date.now());
    expect(authority.lookup(expired.accessKeyId, expired.sessionToken)).toEqual({
      ok: false,
      problem: 'expired-token',
    });

    const session = authority.issueSession(ROLE, 's', 60);
    const expiry = session.expiration.getTime();
    expect(authority.lookup(session.accessKeyId, session.sessionToken, expiry - 1).ok).toBe(true);
    expect(authority.lookup(session.accessKeyId, session.sessionToken, expiry)).toEqual({
      ok: false,
      problem: 'expired-token',
    });
  });
});
