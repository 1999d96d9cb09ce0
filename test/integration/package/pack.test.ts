// SLOW (a minute or two), and needs the npm registry or an npm cache holding lambdash's
// dependencies: the package as a user gets it. `npm pack` (whose prepack builds the code and
// the type declarations), the tarball installed into an empty prefix, then the command, the
// three entries and a TypeScript consumer run against that install alone, not the clone.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/paths.js';

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

// Under `npm test`, npm's lifecycle variables (npm_config_prefix and the like) would steer the
// npm commands below to the clone; the cache and the registry may stay.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !key.startsWith('npm_') || key === 'npm_config_cache' || key === 'npm_config_registry',
  ),
);

// Uses each entry's types so that a declaration resolving to \`any\` fails the check: each
// expected-error line is an error itself when its call is accepted.
const CONSUMER = `import { getResponder, type Responder } from 'lambdash';
import { observe } from 'lambdash/runtime';
import { DEFAULT_PORT, type LocalCloud, startLocalCloud } from 'lambdash/localcloud';

export async function read(source: string): Promise<Responder> {
  observe('read.start');
  const responder = await getResponder(source, { handler: 'handler' });
  return responder;
}

export function start(): Promise<LocalCloud> {
  return startLocalCloud({ port: DEFAULT_PORT + 1 });
}

// @ts-expect-error the source is a string
void getResponder(42);
// @ts-expect-error the port is a number
void startLocalCloud({ port: 'any' });
// @ts-expect-error a mark's name is a string
observe({});
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    types: ['node'],
    // Our declarations are checked too, with every import in them resolved.
    skipLibCheck: false,
  },
  files: ['consumer.ts'],
};

let work: string;
let prefix: string;
let packed: string[];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'lambdash-pack-'));
  prefix = path.join(work, 'prefix');
  await mkdir(prefix);
  const pack = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: repoRoot,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [manifest] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  if (!manifest) throw new Error(`npm pack printed no manifest: ${pack.stdout}`);
  packed = manifest.files.map((file) => file.path);
  await writeFile(path.join(prefix, 'package.json'), '{ "private": true }\n');
  await run(
    'npm',
    [
      'install',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      path.join(work, manifest.filename),
    ],
    { cwd: prefix, env, maxBuffer: 64 * 1024 * 1024 },
  );
}, 900_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the built code, the declarations of its three entries, and no sources or tests', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'bin/lambdash.js',
        'dist/cli/main.js',
        'dist/core/index.js',
        'dist/runtime/bootstrap.cjs',
        'dist/types/src/core/index.d.ts',
        'dist/types/runtime/index.d.ts',
        'dist/types/src/localcloud/index.d.ts',
        'schema/lambdash.schema.json',
        'templates/Dockerfile',
      ]),
    );
    expect(packed.filter((file) => /^(src|test|runtime|scripts|bench)\//.test(file))).toEqual([]);
  });

  it('installs a `lambdash` command that answers --help', async () => {
    const bin = path.join(prefix, 'node_modules', '.bin', 'lambdash');
    const { stdout } = await run(bin, ['--help'], { cwd: prefix, env });
    expect(stdout).toMatch(/^Usage: lambdash /);
    expect(stdout).toContain('deploy');
  });

  it('loads lambdash, lambdash/runtime and lambdash/localcloud in Node', async () => {
    const script = `
      const core = await import('lambdash');
      const runtime = await import('lambdash/runtime');
      const cloud = await import('lambdash/localcloud');
      console.log([typeof core.getResponder, typeof runtime.observe, typeof cloud.startLocalCloud].join());`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: prefix,
      env,
    });
    expect(stdout.trim()).toBe('function,function,function');
  });

  it("type-checks a strict TypeScript consumer against the installed package's declarations", async () => {
    await writeFile(path.join(prefix, 'consumer.ts'), CONSUMER);
    await writeFile(path.join(prefix, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: prefix,
      env,
    }).catch((error: { stdout?: string; code?: number }) => error);
    expect(result.stdout).toBe('');
    expect('code' in result ? result.code : 0).toBe(0);
  });
});
