// The credentials of the registry the local cloud runs: user `AWS` (as ECR's tokens name it)
// and a random password made in memory for each start. Only its bcrypt hash reaches the disk,
// in the htpasswd file distribution's `auth: htpasswd` reads; the password itself is handed
// out by ECR's GetAuthorizationToken and sent by the local cloud's own registry calls.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import bcrypt from 'bcryptjs';

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** The user name ECR's tokens carry (`AWS:<password>`). */
export const REGISTRY_USER = 'AWS';

/**
 * bcrypt's cost only slows the guessing of a weak password; this one is 384 random bits, and
 * the registry checks the hash on every request, so the cheapest cost keeps pushes fast.
 */
const BCRYPT_COST = 4;

/**
 * A fresh password: 48 random bytes as 64 base64 characters (ECR's passwords are base64 too),
 * within the 72 bytes bcrypt reads, so every character counts.
 */
export function newRegistryCredentials(): RegistryCredentials {
  return { username: REGISTRY_USER, password: randomBytes(48).toString('base64') };
}

/** The `Authorization` header value for the registry's HTTP API. */
export function basicAuthorization(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** Writes the htpasswd file distribution reads: `user:<bcrypt hash>`, readable by us only. */
export async function writeHtpasswd(file: string, credentials: RegistryCredentials): Promise<void> {
  const hash = await bcrypt.hash(credentials.password, BCRYPT_COST);
  await writePrivateFile(file, `${credentials.username}:${hash}\n`);
}

/**
 * Replaces a file with one only its owner can read: written beside it with mode 0600, then
 * renamed over it, so an older file's wider mode is not kept and no reader sees half of it.
 */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
