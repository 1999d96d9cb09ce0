// The command line as a whole, through the built binary: help on every command, suggestions
// for unknown commands and flags, missing arguments, and `lambdash` alone without a terminal.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/paths.js';
import { lambdash, removeTemps, tempDir } from './run-cli.js';

const COMMANDS = [
  'new',
  'build',
  'run',
  'test',
  'push',
  'deploy',
  'invoke',
  'logs',
  'ls',
  'rm',
  'cloud',
  'doctor',
  'base',
];
const cwd = tempDir();
afterAll(removeTemps);

describe('lambdash', () => {
  it('--help lists every command and the exit codes, on stdout', async () => {
    const result = await lambdash(['--help'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const commands = result.stdout.slice(
      result.stdout.indexOf('Commands:'),
      result.stdout.indexOf('Examples:'),
    );
    const listed = [...commands.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]);
    expect(listed).toEqual([...COMMANDS, 'help']);
    expect(result.stdout).toContain(
      'Exit codes: 0 ok, 1 failed, 2 usage or bad input, 3 not found, 4 test failed,',
    );
  });

  it.each(COMMANDS)('%s --help says how to use it, with the global options', async (command) => {
    const result = await lambdash([command, '--help'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: lambdash ${command} `));
    expect(result.stdout).toContain('Global Options:');
    expect(result.stdout).toContain('--json');
  });

  it('help <command> is <command> --help', async () => {
    const result = await lambdash(['help', 'deploy'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe((await lambdash(['deploy', '--help'], { cwd })).stdout);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const result = await lambdash(['--version'], { cwd });
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('an unknown command suggests the nearest, on stderr, with exit code 2', async () => {
    const result = await lambdash(['biuld'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').slice(0, 2)).toEqual([
      "error: unknown command 'biuld'",
      '(Did you mean build?)',
    ]);
  });

  it('an unknown flag suggests the nearest, with exit code 2', async () => {
    const result = await lambdash(['build', '--no-cach'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').slice(0, 2)).toEqual([
      "error: unknown option '--no-cach'",
      '(Did you mean --no-cache?)',
    ]);
  });

  it('a missing argument is a usage error', async () => {
    const result = await lambdash(['new'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe("error: missing required argument 'name'");
  });

  it('with no command and no terminal, prints help on stderr and exits 2', async () => {
    const result = await lambdash([], { cwd });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^lambdash: no terminal here, so no terminal app; give a command/,
    );
    expect(result.stderr).toContain('Usage: lambdash [options] [command]');
  });
});
