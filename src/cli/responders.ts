// Which responders a command acts on: the ones named (from the project file), paths given
// instead of names (a .ts/.js file, a package folder, a git URL: no project needed), or, with
// no names, every responder of the project. They become the core's workflow entries.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  escapeControlCharacters,
  LambdashError,
  nearest,
  type Project,
  type ProjectResponder,
  parseGitSource,
  pathEntry,
  projectEntry,
  readEntry,
  type WorkflowEntry,
} from '../core/internal.js';
import type { CliContext } from './context.js';

/** Whether a command-line word is a source rather than a responder's name. */
export function isSourcePath(word: string): boolean {
  return (
    !!parseGitSource(word) ||
    word.includes('/') ||
    word.includes(path.sep) ||
    /\.(m|c)?(t|j)s$/.test(word) ||
    (word.startsWith('.') && existsSync(word))
  );
}

/** The responders the words name; all of the project's when there are none. */
export async function chooseResponders(
  ctx: CliContext,
  words: readonly string[],
  options: { handler?: string } = {},
): Promise<WorkflowEntry[]> {
  if (words.length === 0) {
    const project = await ctx.requireProject();
    if (project.responders.length === 0) {
      throw new LambdashError(
        'RESPONDER_NOT_FOUND',
        `${path.relative(process.cwd(), project.file) || project.file} has no responders yet.`,
        'Add one with `lambdash new <name>`.',
      );
    }
    return project.responders.map((spec) => projectEntry(project, spec));
  }
  const chosen: WorkflowEntry[] = [];
  for (const word of words) {
    if (isSourcePath(word)) {
      chosen.push(pathEntry(parseGitSource(word) ? word : path.resolve(word), options));
      continue;
    }
    const project = await ctx.project();
    const spec = project?.responders.find((r) => r.name === word);
    if (!project || !spec) throw notInProject(word, project);
    chosen.push(
      projectEntry(project, options.handler ? { ...spec, handler: options.handler } : spec),
    );
  }
  return chosen;
}

/** The error for a name that is no responder of the project, with the nearest one. */
export function notInProject(word: string, project: Project | undefined): LambdashError {
  if (!project) {
    return new LambdashError(
      'RESPONDER_NOT_FOUND',
      `"${escapeControlCharacters(word)}" is not a responder: there is no lambdash.json here, and no file or folder of that name.`,
      'Give a path (./handler.ts), or run it in a project folder (`lambdash new <name>` starts one).',
    );
  }
  const names = project.responders.map((r) => r.name);
  const near = nearest(word, names);
  return new LambdashError(
    'RESPONDER_NOT_FOUND',
    `${escapeControlCharacters(path.relative(process.cwd(), project.file) || project.file)} has no responder named "${escapeControlCharacters(word)}".`,
    near
      ? `Did you mean "${near}"?`
      : names.length
        ? `Its responders: ${names.join(', ')}.`
        : 'It has none yet: add one with `lambdash new <name>`.',
  );
}

/** A name a command acts on by name: the project's responder, or an image or function name. */
export interface NamedTarget {
  readonly name: string;
  readonly spec: ProjectResponder | undefined;
  readonly project: Project | undefined;
}

/**
 * What the words name: the project's responders (all of them without words), a path's
 * responder (by the name its image gets), or else the word as an image or function name.
 */
export async function chooseNames(
  ctx: CliContext,
  words: readonly string[],
): Promise<NamedTarget[]> {
  if (words.length === 0) {
    return (await chooseResponders(ctx, [])).map(({ spec, project }) => ({
      name: spec.name,
      spec,
      project,
    }));
  }
  const project = await ctx.project();
  const named: NamedTarget[] = [];
  for (const word of words) {
    const spec = project?.responders.find((r) => r.name === word);
    if (spec) named.push({ name: word, spec, project });
    else if (isSourcePath(word)) {
      const [chosen] = await chooseResponders(ctx, [word]);
      named.push({
        name: (await readEntry(chosen!, ctx.operation)).name,
        spec: undefined,
        project: undefined,
      });
    } else named.push({ name: word, spec: undefined, project: undefined });
  }
  return named;
}
