import { describe, expect, it, vi } from 'vitest';
import { isLambdashError } from '../../../src/core/common/errors.js';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import { runNpm, runTool, ToolFailure } from '../../../src/core/common/run-tool.js';
import { makeTempDir } from '../../support/temp-tree.js';

const node = process.execPath;

describe('runTool', () => {
  it("resolves with the tool's output", async () => {
    expect(await runTool(node, ['-e', 'process.stdout.write("out")'])).toBe('out');
  });

  it('fails with the exit status and the tail of stderr', async () => {
    const error = await runTool(node, [
      '-e',
      'for (let i = 1; i <= 20; i++) console.error("line " + i); process.exit(2)',
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolFailure);
    const failure = error as ToolFailure;
    expect(failure.missing).toBe(false);
    expect(failure.tail(3)).toBe('line 18\nline 19\nline 20');
    expect(failure.tail(2, /line 20/)).toBe('line 18\nline 19');
  });

  it('says when the tool is not installed', async () => {
    const error = await runTool('lambdash-no-such-tool', ['x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolFailure);
    expect((error as ToolFailure).missing).toBe(true);
  });

  it('is ABORTED when cancelled while the tool runs', async () => {
    const controller = new AbortController();
    const running = runTool(node, ['-e', 'setTimeout(() => {}, 20000)'], {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const error = await running.catch((e: unknown) => e);
    expect(isLambdashError(error, 'ABORTED')).toBe(true);
    expect((error as Error).message).toBe(`${node} -e was cancelled`);
  });
});

describe('runNpm', () => {
  it("leaves out the variables of a running npm script, keeps the user's npm config", async () => {
    vi.stubEnv('npm_package_name', 'someone-elses-project');
    vi.stubEnv('npm_lifecycle_event', 'test');
    vi.stubEnv('npm_config_local_prefix', '/elsewhere');
    vi.stubEnv('INIT_CWD', '/elsewhere');
    vi.stubEnv('npm_config_fetch_retries', '7');
    try {
      const events: LambdashEvent[] = [];
      const dir = makeTempDir();
      // `npm exec` is not an install, but runs node with npm's environment: enough to look.
      const out = await runNpm(
        [
          'exec',
          '--yes',
          '--',
          'node',
          '-e',
          'console.log(JSON.stringify(Object.keys(process.env).filter((k) => /^(npm_package_name|npm_lifecycle_event|npm_config_local_prefix|INIT_CWD|npm_config_fetch_retries)$/.test(k)).sort()))',
        ],
        dir,
        { onEvent: (e) => events.push(e) },
      );
      expect(events).toEqual([
        { type: 'npm.install', dir, command: expect.stringMatching(/^npm exec --yes -- node -e /) },
      ]);
      expect(JSON.parse(out.trim().split('\n').at(-1)!)).not.toContain('npm_package_name');
      expect(JSON.parse(out.trim().split('\n').at(-1)!)).toContain('npm_config_fetch_retries');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
