// The README's "Your first function" commands, run as a new user would: in an empty folder,
// with no local cloud serving (each command starts its own and stops it again, as they do
// for someone who never ran `lambdash cloud`). Only the name is made unique, since the
// engine is shared; everything else is the README's text, so the README cannot drift from
// what works.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/paths.js';
import { lambdash, removeImages, removeTemps, tempDir, uniqueName } from './run-cli.js';

const SECTION = '### Your first function, from the command line';
const README_NAME = 'hello';

/** The README's shell lines of that section: each `lambdash …` command as its words. */
function readmeCommands(): string[][] {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const from = readme.indexOf(SECTION);
  expect(from, `README.md has no "${SECTION}"`).toBeGreaterThanOrEqual(0);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(from))?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line.length > 0)
    .map(shellWords);
}

/** Splits a line as sh would for the quoting the README uses: '…', "…" and plain words. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    words.push(match[1] ?? match[2]?.replace(/\\(.)/g, '$1') ?? match[3]!);
  }
  return words;
}

const name = uniqueName('readme');
const project = tempDir('lambdash-readme-');
// No shared local cloud: 0 makes each command start one of its own on a free port.
const env = { LAMBDASH_CLOUD_PORT: '0' };

afterAll(async () => {
  await lambdash(['rm', name, '--all', '--yes'], { cwd: project, env });
  await removeImages([name]);
  removeTemps();
});

describe('the README, followed to the letter', { timeout: 180_000 }, () => {
  const commands = readmeCommands();

  it('lists the commands a new user types, in order', () => {
    expect(commands.map((words) => words.slice(0, 2).join(' '))).toEqual([
      'lambdash new',
      'lambdash deploy',
      'lambdash invoke',
      'lambdash ls',
      'lambdash',
    ]);
  });

  it('scaffolds, deploys, invokes and lists a function; the app itself needs a terminal', async () => {
    const outputs: string[] = [];
    for (const words of commands) {
      expect(words[0]).toBe('lambdash');
      const args = words.slice(1).map((word) => (word === README_NAME ? name : word));
      const result = await lambdash(args, { cwd: project, env });
      const shown = `lambdash ${args.join(' ')}\n${result.stderr}`;
      if (args.length === 0) {
        // Without a terminal the app does not open: the help says what to type instead.
        expect(result.code, shown).toBe(2);
        expect(result.stderr).toContain('no terminal here, so no terminal app');
      } else {
        expect(result.code, shown).toBe(0);
      }
      outputs.push(result.stdout);
    }
    const [created, deployed, invoked, listed] = outputs;
    expect(created).toContain(`created ${name}/handler.ts`);
    expect(JSON.parse(readFileSync(path.join(project, 'lambdash.json'), 'utf8'))).toMatchObject({
      responders: [{ name, source: `${name}/handler.ts` }],
    });
    expect(deployed).toMatch(new RegExp(`^${name} .* ${name} \\(created\\) +Active +passed$`, 'm'));
    // The answer, then the log, then the timeline the README shows.
    expect(invoked).toMatch(/^\{\n {2}"message": "Hello, Ada!"\n\}\n/);
    expect(invoked).toMatch(/^REPORT RequestId: \S+\tDuration: /m);
    for (const segment of ['init', 'runtime before', 'handler', 'runtime after', 'total']) {
      expect(invoked).toMatch(new RegExp(`^${segment} +\\S+ +[\\d.]+ ms$`, 'm'));
    }
    expect(listed).toMatch(
      new RegExp(
        `^${name} +current +${name}:latest .* ${name}@[0-9a-f]{12} \\(latest\\) +${name} Active$`,
        'm',
      ),
    );
  });
});
