// Who may call the local cloud. Each data folder has its own long-term key pair, made at the
// first start and kept in `credentials.json` (mode 0600), so no well-known pair (`test`/`test`)
// opens it. Temporary credentials (a function's role, STS AssumeRole) are derived from that
// pair rather than stored: the session token carries the role, the session name and the expiry
// under an HMAC, and the secret is an HMAC of the token, so they still verify after a restart
// and nothing about them is written anywhere.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, link, open, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ACCOUNT_ID } from './account.js';

/** An access key pair; temporary ones carry a session token too. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SessionCredentials extends Required<Credentials> {
  readonly expiration: Date;
}

/** Who signed a request, as STS GetCallerIdentity names them. */
export interface Caller {
  readonly arn: string;
  readonly userId: string;
  /** The access key the request was signed with. */
  readonly accessKeyId: string;
}

/** Why a key does not open the cloud, in the terms AWS's errors use. */
export type KeyProblem = 'unknown-key' | 'expired-token';

export type KeyLookup =
  | { readonly ok: true; readonly secretAccessKey: string; readonly caller: Caller }
  | { readonly ok: false; readonly problem: KeyProblem };

const FILE = 'credentials.json';
/** AWS's alphabet for access key ids after the four-letter prefix. */
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The data folder's long-term key pair, made (mode 0600) when the folder has none. */
export async function loadRootCredentials(dataDir: string): Promise<Credentials> {
  const file = path.join(dataDir, FILE);
  const existing = await readCredentialsFile(file);
  if (existing) {
    // A copy restored from a backup may have lost its mode: the secret is for its owner only.
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
    return existing;
  }
  const created: Credentials = {
    accessKeyId: `AKIA${keyIdSuffix()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
  // Written whole beside it, then linked into place: a crash leaves no empty or torn file, and
  // of two first starts, the second link fails and that start takes the first one's pair.
  const temporary = `${file}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(created, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temporary, file);
    return created;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const theirs = await readCredentialsFile(file);
    if (!theirs) throw new Error(`${file} vanished while it was being made; start again.`);
    return theirs;
  } finally {
    await rm(temporary, { force: true });
  }
}

/** The key pair of the local cloud whose data folder is `dataDir`, if it has one. */
export async function readRootCredentials(dataDir: string): Promise<Credentials | undefined> {
  return readCredentialsFile(path.join(dataDir, FILE));
}

async function readCredentialsFile(file: string): Promise<Credentials | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: Partial<Credentials> | undefined;
  try {
    parsed = JSON.parse(text) as Partial<Credentials>;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed?.accessKeyId !== 'string' || typeof parsed.secretAccessKey !== 'string') {
    throw new Error(
      `${file} does not hold an accessKeyId and a secretAccessKey. Remove it, and the local cloud makes a new pair at its next start (clients then need the new keys).`,
    );
  }
  return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey };
}

interface SessionClaims {
  /** The temporary access key id. */
  readonly k: string;
  /** The role's ARN. */
  readonly r: string;
  /** The session name. */
  readonly s: string;
  /** Expiry, in seconds since the epoch. */
  readonly e: number;
  /** The role's id (AROA...), when the issuer knew it: AWS names sessions by it. */
  readonly i?: string;
}

/** Issues temporary credentials and finds the secret behind any key the cloud handed out. */
export class CredentialAuthority {
  readonly #root: Credentials;
  readonly #tokenKey: Buffer;

  constructor(root: Credentials) {
    this.#root = root;
    this.#tokenKey = createHmac('sha256', root.secretAccessKey)
      .update('lambdash session tokens')
      .digest();
  }

  get root(): Credentials {
    return this.#root;
  }

  /** Credentials of `roleArn` (whose id is `roleId`) for `sessionName`, for `durationSeconds`. */
  issueSession(
    roleArn: string,
    sessionName: string,
    durationSeconds = 3600,
    roleId?: string,
  ): SessionCredentials {
    const expiresAt = Math.floor(Date.now() / 1000) + durationSeconds;
    const claims: SessionClaims = {
      k: `ASIA${keyIdSuffix()}`,
      r: roleArn,
      s: sessionName,
      e: expiresAt,
      ...(roleId ? { i: roleId } : {}),
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const sessionToken = `${payload}.${this.#mac(payload).toString('base64url')}`;
    return {
      accessKeyId: claims.k,
      secretAccessKey: this.#sessionSecret(sessionToken),
      sessionToken,
      expiration: new Date(expiresAt * 1000),
    };
  }

  /** The secret behind `accessKeyId` (and its session token), and whose it is. */
  lookup(accessKeyId: string, sessionToken: string | undefined, now = Date.now()): KeyLookup {
    if (sessionToken === undefined) {
      if (accessKeyId !== this.#root.accessKeyId) return { ok: false, problem: 'unknown-key' };
      return {
        ok: true,
        secretAccessKey: this.#root.secretAccessKey,
        caller: { arn: `arn:aws:iam::${ACCOUNT_ID}:root`, userId: ACCOUNT_ID, accessKeyId },
      };
    }
    const claims = this.#claims(sessionToken);
    if (!claims || claims.k !== accessKeyId) return { ok: false, problem: 'unknown-key' };
    if (claims.e * 1000 <= now) return { ok: false, problem: 'expired-token' };
    const roleName = claims.r.slice(claims.r.lastIndexOf('/') + 1);
    return {
      ok: true,
      secretAccessKey: this.#sessionSecret(sessionToken),
      caller: {
        arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleName}/${claims.s}`,
        userId: `${claims.i ?? accessKeyId}:${claims.s}`,
        accessKeyId,
      },
    };
  }

  #claims(sessionToken: string): SessionClaims | undefined {
    const [payload, mac, ...rest] = sessionToken.split('.');
    if (!payload || !mac || rest.length > 0) return undefined;
    const expected = this.#mac(payload);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionClaims;
    } catch {
      return undefined;
    }
  }

  #mac(payload: string): Buffer {
    return createHmac('sha256', this.#tokenKey).update(`token:${payload}`).digest();
  }

  #sessionSecret(sessionToken: string): string {
    return createHmac('sha256', this.#tokenKey)
      .update(`secret:${sessionToken}`)
      .digest()
      .subarray(0, 30)
      .toString('base64');
  }
}

function keyIdSuffix(): string {
  const bytes = randomBytes(16);
  let suffix = '';
  for (const byte of bytes) suffix += KEY_ID_ALPHABET[byte % KEY_ID_ALPHABET.length];
  return suffix;
}
