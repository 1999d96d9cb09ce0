// ensureBaseImage against the real engine. No registry is reachable here, so the default path
// ends in the offline build; each run builds under a name of its own and removes it afterwards.
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isLambdashError, type LambdashError } from '../../../src/core/common/errors.js';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import { type BaseImage, ensureBaseImage } from '../../../src/core/images/base-image.js';
import { SHELL_TOOLS } from '../../../src/core/images/base-shell-tools.js';
import { getDockerEngine } from '../../../src/core/images/docker.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import {
  buildTestImage,
  imageExists,
  removeImages,
  runInImage,
  testDocker,
} from '../../support/docker.js';
import { removeImagesNamed, runNodeInImage, uniqueName } from '../../support/images.js';
import { handlersDir } from '../../support/paths.js';

const run = `${process.pid}-${Date.now().toString(36)}`;
const offlineName = `lambdash-test/node-base-${run}`;
// The recipe's tag: a base built by an older recipe (r2 had no shell) is built again.
const recipe = 'r3';
const offlineImage = `${offlineName}:${process.versions.node}-${recipe}`;
const derived = (what: string) => `lambdash-test/${what}-${run}:1`;
const userStep = uniqueName('base-user-step');
const hostArch = process.arch === 'x64' ? 'amd64' : 'arm64';

async function failure(promise: Promise<unknown>): Promise<LambdashError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isLambdashError(error)) throw new Error(`expected a LambdashError, got ${String(error)}`);
  return error;
}

function texts(events: LambdashEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'base.build' ? [e.text] : []));
}

let base: BaseImage;

beforeAll(async () => {
  await removeImages(offlineImage);
});

afterAll(async () => {
  await removeImagesNamed(userStep);
  await removeImages(
    derived('no-env'),
    derived('old-node'),
    derived('no-node'),
    `${offlineName}-cancelled:${process.versions.node}-${recipe}`,
    `${offlineName}-shared:${process.versions.node}-${recipe}`,
    offlineImage,
  );
});

describe('the offline base image', () => {
  it('is built once from the host node, even when asked for twice at the same time', async () => {
    const first: LambdashEvent[] = [];
    const second: LambdashEvent[] = [];
    const [a, b] = await Promise.all([
      ensureBaseImage({ offlineName, pull: false, onEvent: (e) => first.push(e) }),
      ensureBaseImage({ offlineName, pull: false, onEvent: (e) => second.push(e) }),
    ]);
    base = a;
    expect(a).toEqual({
      image: offlineImage,
      id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      built: true,
      nodeVersion: process.versions.node,
    });
    expect(b).toEqual(a);
    // One build, which both callers heard from start to end.
    expect(texts(first).filter((t) => t.startsWith('building '))).toHaveLength(1);
    expect(texts(first).filter((t) => t === `Successfully tagged ${offlineImage}`)).toHaveLength(1);
    expect(second).toEqual(first);
    expect(first.every((e) => e.type === 'base.build' && e.image === offlineImage)).toBe(true);
  });

  it('is reused afterwards, not rebuilt', async () => {
    const events: LambdashEvent[] = [];
    const again = await ensureBaseImage({
      offlineName,
      pull: false,
      onEvent: (e) => events.push(e),
    });
    expect(again).toEqual({ ...base, built: false });
    expect(events).toEqual([]);
  });

  it('is one layer with the environment and labels the runtime expects', async () => {
    const info = await testDocker().getImage(offlineImage).inspect();
    expect(info.Id).toBe(base.id);
    expect(info.Os).toBe('linux');
    expect(info.Architecture).toBe(hostArch);
    expect(info.RootFS.Layers).toHaveLength(1);
    expect(info.Config.Env).toEqual([
      'PATH=/usr/local/bin:/usr/bin:/bin',
      `NODE_VERSION=${process.versions.node}`,
    ]);
    expect(info.Config.Labels).toEqual({ 'dev.lambdash.generated': 'base' });
    expect(info.Config.Cmd).toEqual(['node']);
  });

  it('runs the same node as the host', async () => {
    const result = await runInImage(offlineImage, ['node', '-e', 'console.log(process.version)']);
    expect(result).toEqual({ exitCode: 0, stdout: `${process.version}\n`, stderr: '' });
  });

  it("has Lambda's sandbox user, who can write to /tmp", async () => {
    const script = `
      const fs = require('node:fs'), os = require('node:os');
      fs.writeFileSync('/tmp/probe', 'ok');
      const me = os.userInfo();
      console.log(JSON.stringify({ uid: me.uid, gid: me.gid, user: me.username, home: me.homedir,
        tmp: fs.statSync('/tmp').mode.toString(8), probe: fs.readFileSync('/tmp/probe', 'utf8') }));`;
    const result = await runInImage(offlineImage, ['node', '-e', script], { user: 'sbx_user1051' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      uid: 993,
      gid: 990,
      user: 'sbx_user1051',
      home: '/tmp',
      tmp: '41777',
      probe: 'ok',
    });
    const root = await runInImage(offlineImage, [
      'node',
      '-p',
      'require("os").userInfo().username',
    ]);
    expect(root.stdout).toBe('root\n');
  });

  it('holds node once, the shell tools, their libraries, the CA bundle and the account files, nothing else', async () => {
    // What docker itself mounts or creates in every container is not the image's.
    const walk = `
      const fs = require('node:fs'), path = require('node:path'), out = {};
      // runc adds /etc/mtab (a link to /proc/mounts).
      const skip = new Set(['/proc', '/sys', '/dev', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/etc/mtab', '/.dockerenv']);
      (function walk(dir) {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          if (skip.has(p)) continue;
          if (e.isDirectory()) walk(p); else out[p] = fs.lstatSync(p).size;
        }
      })('/');
      console.log(JSON.stringify(out));`;
    const result = await runInImage(offlineImage, ['node', '-e', walk]);
    const files = JSON.parse(result.stdout) as Record<string, number>;
    const ldd = (binary: string) =>
      execFileSync('ldd', [binary], { encoding: 'utf8' })
        .split('\n')
        .flatMap((line) => /(\/\S+) \(0x/.exec(line)?.[1] ?? []);
    const libs = ldd(process.execPath);
    // The tools as this host has them (the image takes each from the host, links resolved).
    const tools = SHELL_TOOLS.flatMap((name) => {
      const dirs = name === 'sh' ? ['/bin'] : ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];
      const host = dirs.map((dir) => `${dir}/${name}`).find((file) => existsSync(file));
      return host ? [{ name, file: realpathSync(host) }] : [];
    });
    expect(tools.map((t) => t.name)).toContain('sh');
    const toolLibs = tools.flatMap((t) => ldd(t.file)).filter((lib) => !libs.includes(lib));
    // glibc's other libraries, which native packages link to (sharp's libvips: libresolv).
    const libc = libs.find((lib) => lib.endsWith('/libc.so.6'))!;
    const companions = [
      'libresolv.so.2',
      'libnss_dns.so.2',
      'libnss_files.so.2',
      'librt.so.1',
      'libutil.so.1',
      'libanl.so.1',
      'libdl.so.2',
      'libpthread.so.0',
    ]
      .map((name) => path.join(path.dirname(libc), name))
      .filter((lib) => existsSync(lib) && !libs.includes(lib) && !toolLibs.includes(lib));
    expect(companions.map((lib) => path.basename(lib))).toContain('libresolv.so.2');
    const certs = '/etc/ssl/certs/ca-certificates.crt';
    const expected = [
      '/usr/local/bin/node',
      ...libs,
      ...new Set(toolLibs),
      ...companions,
      ...tools.map((t) => `/bin/${t.name}`),
      '/usr/bin/env',
      '/etc/passwd',
      '/etc/group',
      ...(existsSync(certs) ? [certs] : []),
    ];
    expect(Object.keys(files).sort()).toEqual(expected.sort());
    expect(libs.length).toBeGreaterThan(0);
    expect(files['/usr/local/bin/node']).toBe(statSync(process.execPath).size);
    for (const lib of libs) expect(files[lib], lib).toBe(statSync(lib).size);
    // A file that answers to several names is there once; the others are links to it.
    const firstOf = new Map<string, string>();
    for (const t of tools) {
      const first = firstOf.get(t.file);
      if (!first) firstOf.set(t.file, t.name);
      expect(files[`/bin/${t.name}`], t.name).toBe(first ? first.length : statSync(t.file).size);
    }
    expect(files['/usr/bin/env']).toBe('/bin/env'.length); // a link
  });

  it('runs a shell-form command with the basic tools, as root and as the sandbox user', async () => {
    const script = [
      'set -e',
      'for t in ls cat cp mv rm mkdir chmod ln echo env grep sed tar gzip; do command -v $t >/dev/null; done',
      'mkdir -p /tmp/w/a && echo "hello sh" > /tmp/w/a/f && cp /tmp/w/a/f /tmp/w/g',
      'cd /tmp/w && tar -czf /tmp/w.tgz a g && mkdir /tmp/x && tar -xzf /tmp/w.tgz -C /tmp/x',
      'ls /tmp/x | sort | tr "\\n" " "',
      'sed s/hello/bye/ /tmp/x/a/f | grep -c bye',
    ].join('\n');
    for (const user of [undefined, 'sbx_user1051']) {
      const shell = await runInImage(offlineImage, ['sh', '-c', script], user ? { user } : {});
      expect(shell, user ?? 'root').toEqual({ exitCode: 0, stdout: 'a g 1\n', stderr: '' });
    }
    // A script's `#!/usr/bin/env node` finds node on the PATH.
    const shebang = await runInImage(offlineImage, [
      'sh',
      '-c',
      'printf "#!/usr/bin/env node\\nconsole.log(process.version)\\n" > /tmp/s && chmod +x /tmp/s && /tmp/s',
    ]);
    expect(shebang).toEqual({ exitCode: 0, stdout: `${process.version}\n`, stderr: '' });
  });

  it('is what the default path gives when node cannot be pulled (offline) or pulls node otherwise', async () => {
    vi.stubEnv('LAMBDASH_NO_PULL', '');
    try {
      const events: LambdashEvent[] = [];
      const result = await ensureBaseImage({ offlineName, onEvent: (e) => events.push(e) });
      const major = process.versions.node.split('.')[0];
      if (result.image === offlineImage) {
        expect(result).toEqual({ ...base, built: false });
        expect(texts(events)[0]).toBe(`pulling node:${major}-slim`);
        expect(texts(events).at(-1)).toMatch(/^pull failed, building offline: .+/);
      } else {
        // A machine with a registry in reach (or node already present) gets the official image.
        expect(result.image).toMatch(new RegExp(`^node:${major}(-slim)?$`));
        expect(result.nodeVersion.split('.')[0]).toBe(major);
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe("a user's Dockerfile step on the offline base", () => {
  it('runs a shell-form RUN with the basic tools, and its result is in the image', async () => {
    // Jot's dockerfile_update example: the text in, one more RUN step out.
    const step = [
      'RUN mkdir -p extra/sub && echo "hello from sh" > extra/greeting.txt \\',
      ' && cp extra/greeting.txt extra/sub/copy.txt && mv extra/sub/copy.txt extra/sub/moved.txt \\',
      ' && ln -s greeting.txt extra/link.txt && chmod 600 extra/sub/moved.txt \\',
      ' && tar -czf /tmp/extra.tgz extra && rm -r extra/sub && mkdir unpacked \\',
      ' && tar -xzf /tmp/extra.tgz -C unpacked && rm /tmp/extra.tgz \\',
      ' && sed "s/hello/bye/" extra/greeting.txt > extra/sed.txt \\',
      ' && grep -c hello unpacked/extra/greeting.txt > extra/count.txt \\',
      ' && env | grep "^NODE_ENV=" > extra/env.txt && ls unpacked/extra/sub > extra/ls.txt',
      '',
    ].join('\n');
    const responder = await getResponder(path.join(handlersDir, 'images', 'echo.ts'), {
      name: userStep,
    });
    const image = await createLocalImage(responder, {
      baseImage: offlineImage,
      dockerfileUpdate: (text) => `${text}${step}`,
    });
    const read = `
      const fs = require('node:fs'), out = {};
      for (const f of ['greeting.txt', 'link.txt', 'sed.txt', 'count.txt', 'env.txt', 'ls.txt'])
        out[f] = fs.readFileSync('/var/task/extra/' + f, 'utf8');
      out.link = fs.readlinkSync('/var/task/extra/link.txt');
      out.sub = fs.existsSync('/var/task/extra/sub');
      out.mode = (fs.statSync('/var/task/unpacked/extra/sub/moved.txt').mode & 0o777).toString(8);
      console.log(JSON.stringify(out));`;
    expect(JSON.parse(await runNodeInImage(image.ref, read))).toEqual({
      'greeting.txt': 'hello from sh\n',
      'link.txt': 'hello from sh\n',
      'sed.txt': 'bye from sh\n',
      'count.txt': '1\n',
      'env.txt': 'NODE_ENV=production\n',
      'ls.txt': 'moved.txt\n',
      link: 'greeting.txt',
      sub: false,
      mode: '600',
    });
  });
});

describe('a named base image', () => {
  it('is used as is when present', async () => {
    await expect(ensureBaseImage({ baseImage: offlineImage, pull: false })).resolves.toEqual({
      ...base,
      built: false,
    });
  });

  it('asks node for its version when the image does not say', async () => {
    await buildTestImage(derived('no-env'), `FROM ${offlineImage}\nENV NODE_VERSION=\n`);
    const result = await ensureBaseImage({ baseImage: derived('no-env'), pull: false });
    expect(result.nodeVersion).toBe(process.versions.node);
    expect(result.image).toBe(derived('no-env'));
  });

  it.each([
    {
      what: 'has no node',
      tag: derived('no-node'),
      dockerfile: 'FROM scratch\nCOPY hello.txt /hello.txt\n',
      message: /has no working `node` on its PATH/,
    },
    {
      what: 'has a node older than the runtime supports',
      tag: derived('old-node'),
      dockerfile: `FROM ${offlineImage}\nENV NODE_VERSION=18.20.4\n`,
      message: /has Node\.js 18\.20\.4; lambdash's runtime needs 20 or newer/,
    },
  ])('is refused when it $what', async ({ tag, dockerfile, message }) => {
    await buildTestImage(tag, dockerfile, { 'hello.txt': 'hello\n' });
    const error = await failure(ensureBaseImage({ baseImage: tag, pull: false }));
    expect(error.code).toBe('BASE_IMAGE_FAILED');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(tag);
    expect(error.hint).toMatch(/node:20-slim/);
  });

  it('that is missing, with pulling off, fails with a hint', async () => {
    const missing = `lambdash-test/missing-${run}:1`;
    for (const options of [{ pull: false }, { env: '1' }]) {
      vi.stubEnv('LAMBDASH_NO_PULL', 'env' in options ? options.env : '');
      try {
        const error = await failure(
          ensureBaseImage({ baseImage: missing, ...('pull' in options ? options : {}) }),
        );
        expect(error.code).toBe('BASE_IMAGE_FAILED');
        expect(error.message).toBe(
          `The base image "${missing}" is not present locally, and pulling is turned off.`,
        );
        expect(error.hint).toContain(`docker pull ${missing}`);
      } finally {
        vi.unstubAllEnvs();
      }
    }
  });

  it('that cannot be pulled fails with the registry error', async () => {
    vi.stubEnv('LAMBDASH_NO_PULL', '');
    try {
      // Nothing listens on port 9: the engine's pull fails at once.
      const error = await failure(ensureBaseImage({ baseImage: '127.0.0.1:9/lambdash/nothing:1' }));
      expect(error.code).toBe('BASE_IMAGE_FAILED');
      expect(error.message).toMatch(
        /^The base image "127\.0\.0\.1:9\/lambdash\/nothing:1" is not present locally and could not be pulled: [^(].*127\.0\.0\.1:9.*connection refused$/,
      );
      expect(error.hint).toMatch(/docker login/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.each(['Not/Valid:Ref', 'has space', 'node:20\nRUN id'])(
    '%j, not a valid reference, fails clearly before the engine is asked',
    async (baseImage) => {
      const error = await failure(ensureBaseImage({ baseImage, pull: false }));
      expect(error.code).toBe('INVALID_NAME');
      // User input is shown with its control characters escaped: a newline stays on the line.
      const shown = baseImage.replace('\n', '\\n');
      expect(error.message).toBe(`"${shown}" is not a valid image reference.`);
      expect(error.hint).toBe(
        'Name an image such as "node:20-slim" or "registry.example.com/team/base:1.2".',
      );
    },
  );
});

describe('platforms and cancellation', () => {
  it('refuses a foreign platform it can neither find nor pull', async () => {
    const other = hostArch === 'amd64' ? 'linux/arm64' : 'linux/amd64';
    const error = await failure(ensureBaseImage({ offlineName, pull: false, platform: other }));
    expect(error.code).toBe('BASE_IMAGE_FAILED');
    expect(error.message).toContain(
      `No Node base image for ${other} is available (pulling is off)`,
    );
    expect(error.message).toContain(`only be built for this machine's platform, linux/${hostArch}`);
    expect(error.hint).toContain(`docker pull --platform ${other} node:`);
  });

  it('builds for the host platform when asked by name', async () => {
    const engine = await getDockerEngine();
    expect(engine.arch).toBe(hostArch);
    await expect(
      ensureBaseImage({ offlineName, pull: false, platform: `linux/${hostArch}` }),
    ).resolves.toEqual({
      ...base,
      built: false,
    });
  });

  it('stops at once when the signal already fired', async () => {
    const error = await failure(
      ensureBaseImage({ offlineName, pull: false, signal: AbortSignal.abort() }),
    );
    expect(error.code).toBe('ABORTED');
  });

  it('goes on for the callers still waiting when one of them cancels', async () => {
    const name = `${offlineName}-shared`;
    const controller = new AbortController();
    const [cancelled, kept] = await Promise.allSettled([
      ensureBaseImage({
        offlineName: name,
        pull: false,
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'base.build' && e.text.startsWith('building ')) {
            setImmediate(() => controller.abort());
          }
        },
      }),
      ensureBaseImage({ offlineName: name, pull: false }),
    ]);
    expect(cancelled.status === 'rejected' && isLambdashError(cancelled.reason, 'ABORTED')).toBe(
      true,
    );
    expect(kept).toEqual({
      status: 'fulfilled',
      value: {
        image: `${name}:${process.versions.node}-${recipe}`,
        id: expect.stringMatching(/^sha256:/),
        built: true,
        nodeVersion: process.versions.node,
      },
    });
    expect(await imageExists(`${name}:${process.versions.node}-${recipe}`)).toBe(true);
  });

  it('cancels a build while its context uploads and leaves no image behind', async () => {
    const name = `${offlineName}-cancelled`;
    const controller = new AbortController();
    const events: string[] = [];
    const error = await failure(
      ensureBaseImage({
        offlineName: name,
        pull: false,
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type !== 'base.build') return;
          events.push(e.text);
          // One turn later the upload of ~100 MB (node) has begun but cannot have finished.
          if (e.text.startsWith('building ')) setImmediate(() => controller.abort());
        },
      }),
    );
    expect(error.code).toBe('ABORTED');
    expect(events).toEqual([
      `building ${name}:${process.versions.node}-${recipe} offline from ${process.execPath}`,
    ]);
    expect(await imageExists(`${name}:${process.versions.node}-${recipe}`)).toBe(false);
  });
});
