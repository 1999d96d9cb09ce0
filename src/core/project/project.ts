// The project file, `lambdash.json`: the responders of a project with what they need to be
// built, tested and deployed (handler, test data, labels, memory, timeout, environment,
// architecture). Found like package.json, from a folder upwards; checked against its rules
// (project-schema.ts) with every problem's line and column; edited in place, keeping the
// file's own layout, when a responder is added or removed.
import { existsSync } from 'node:fs';
import { readFile, realpath, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { escapeControlCharacters } from '../common/control-characters.js';
import { LambdashError } from '../common/errors.js';
import type { OperationOptions } from '../common/events.js';
import { readBuildSecrets } from '../images/build-secrets.js';
import type { TestData } from '../images/local-test.js';
import { parseGitSource } from '../responder/git-source.js';
import { getResponder, type Responder } from '../responder/responder.js';
import {
  checkProjectText,
  checkResponderSpec,
  checkTestDataText,
  type ProjectProblem,
  type ProjectResponder,
  type ProjectResponderSpec,
} from './project-schema.js';

export type { ProjectProblem, ProjectResponder, ProjectResponderSpec } from './project-schema.js';

export const PROJECT_FILE_NAME = 'lambdash.json';
/** Where editors find the schema when lambdash is installed in the project. */
const SCHEMA_IN_NODE_MODULES = 'node_modules/lambdash/schema/lambdash.schema.json';
/** How many problems one error lists; the rest are counted. */
const MAX_LISTED = 10;

export interface Project {
  /** The project file's absolute path. */
  readonly file: string;
  /** The folder holding it: relative sources and test data paths start here. */
  readonly dir: string;
  readonly responders: readonly ProjectResponder[];
}

/** A project file that fails its rules (or is not JSON); `problems` has each one's position. */
export class ProjectFileError extends LambdashError {
  constructor(
    readonly file: string,
    readonly problems: readonly ProjectProblem[],
  ) {
    const where = displayPath(file);
    const listed = problems
      .slice(0, MAX_LISTED)
      .map((p) => `  ${where}:${p.line}:${p.column}: ${p.message}`);
    const more =
      problems.length > MAX_LISTED ? [`  ...and ${problems.length - MAX_LISTED} more`] : [];
    super(
      'INVALID_PROJECT',
      [
        `${where} is not a valid ${path.basename(file) === PROJECT_FILE_NAME ? 'project file' : 'JSON file'}:`,
        ...listed,
        ...more,
      ].join('\n'),
      path.basename(file) === PROJECT_FILE_NAME
        ? 'Fix the lines above; schema/lambdash.schema.json in lambdash describes every field (point "$schema" at it for help in your editor).'
        : 'Fix the lines above.',
    );
  }
}

/** The nearest lambdash.json in `dir` or a folder above it (default: the current folder). */
export async function findProjectFile(dir: string = process.cwd()): Promise<string | undefined> {
  let current = path.resolve(dir);
  for (;;) {
    const candidate = path.join(current, PROJECT_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** The project around `dir` (see findProjectFile), or undefined when there is no project file. */
export async function loadProject(dir?: string): Promise<Project | undefined> {
  const file = await findProjectFile(dir);
  return file ? readProject(file) : undefined;
}

/** Reads and checks one project file; ProjectFileError lists what is wrong, by line and column. */
export async function readProject(file: string): Promise<Project> {
  const absolute = path.resolve(file);
  const text = await readText(absolute, 'the project file');
  return parseProject(text, absolute);
}

/** Checks a project file's text (`file` says where it is, for its folder and the messages). */
export function parseProject(text: string, file: string): Project {
  const { responders, problems } = checkProjectText(text);
  if (problems.length) throw new ProjectFileError(file, problems);
  return { file, dir: path.dirname(file), responders };
}

/**
 * The project file in `dir`, written when there is none: `{ "responders": [] }`, with a
 * `$schema` when lambdash is installed there.
 */
export async function initProject(dir: string): Promise<Project> {
  const file = path.join(path.resolve(dir), PROJECT_FILE_NAME);
  if (existsSync(file)) return readProject(file);
  const schema = existsSync(path.join(dir, SCHEMA_IN_NODE_MODULES))
    ? { $schema: `./${SCHEMA_IN_NODE_MODULES}` }
    : {};
  await writeAtomically(file, `${JSON.stringify({ ...schema, responders: [] }, null, 2)}\n`);
  return readProject(file);
}

/**
 * Adds a responder to the project file and returns the project as it now is. The file is read
 * again first (it may have changed since `project` was loaded) and edited in place: its layout
 * and the other entries stay as they were. A name already in use, or a field that breaks the
 * rules, is refused with the file untouched.
 */
export async function addResponder(project: Project, spec: ProjectResponderSpec): Promise<Project> {
  const { problems } = checkResponderSpec(spec);
  if (problems.length) {
    throw new LambdashError(
      'INVALID_OPTION',
      `The responder cannot go into ${displayPath(project.file)}: ${problems.join('; ')}.`,
      'Change what the list above names and try again.',
    );
  }
  const text = await readText(project.file, 'the project file');
  const current = parseProject(text, project.file);
  if (current.responders.some((r) => r.name === spec.name)) {
    throw new LambdashError(
      'INVALID_OPTION',
      `${displayPath(project.file)} already has a responder named "${escapeControlCharacters(spec.name)}".`,
      'Choose another name, or remove the existing entry first.',
    );
  }
  return save(project.file, appendToList(text, withoutDefaults(spec)));
}

/** Removes a responder from the project file (its code and AWS resources stay). */
export async function removeResponder(project: Project, name: string): Promise<Project> {
  const text = await readText(project.file, 'the project file');
  const current = parseProject(text, project.file);
  const index = current.responders.findIndex((r) => r.name === name);
  if (index < 0) {
    throw new LambdashError(
      'RESPONDER_NOT_FOUND',
      `${displayPath(project.file)} has no responder named "${escapeControlCharacters(name)}".`,
      `Its responders: ${current.responders.map((r) => r.name).join(', ') || 'none'}.`,
    );
  }
  return save(project.file, removeFromList(text, index));
}

/** A project responder by name; RESPONDER_NOT_FOUND names the ones there are. */
export function getProjectResponder(project: Project, name: string): ProjectResponder {
  const found = project.responders.find((r) => r.name === name);
  if (found) return found;
  const names = project.responders.map((r) => r.name);
  throw new LambdashError(
    'RESPONDER_NOT_FOUND',
    `${displayPath(project.file)} has no responder named "${escapeControlCharacters(name)}".`,
    names.length
      ? `Its responders: ${names.join(', ')}.`
      : 'It has no responders yet: add one with `lambdash new <name>`.',
  );
}

/** A project responder's source as getResponder takes it: a git URL, or an absolute path. */
export function resolveSource(project: Project, responder: ProjectResponder): string {
  // A URL stays as it is; a path (a bare `repo.git` included) is relative to the project file.
  const git = parseGitSource(responder.source);
  return git && !path.isAbsolute(git.url)
    ? responder.source
    : path.resolve(project.dir, responder.source);
}

/** The Responder (found, checked and hashed) of a project responder. */
export function getResponderOf(
  project: Project,
  responder: ProjectResponder,
  options: OperationOptions = {},
): Promise<Responder> {
  return getResponder(resolveSource(project, responder), {
    ...options,
    handler: responder.handler,
    name: responder.name,
    ...(responder.externals?.length ? { externals: [...responder.externals] } : {}),
  });
}

/** A responder's test data: inline, or read (and checked) from its JSON file; undefined without. */
export async function loadTestData(
  project: Project,
  responder: ProjectResponder,
): Promise<TestData | undefined> {
  if (typeof responder.testData !== 'string') return responder.testData;
  const what = `the test data of "${responder.name}"`;
  const file = await fileInProject(project, responder.testData, what);
  const text = await readText(file, what);
  const { testData, problems } = checkTestDataText(text);
  if (!testData) throw new ProjectFileError(file, problems);
  return testData;
}

/**
 * A file the project file names, which must lie in the project's folder: a project cloned from
 * elsewhere may not make lambdash read (and show) `/etc/shadow` or `../../.aws/credentials`.
 * Checked by the path as written, then with symbolic links resolved; the path returned is the
 * resolved one, so the file read is the file checked.
 */
async function fileInProject(project: Project, given: string, what: string): Promise<string> {
  const file = path.resolve(project.dir, given);
  const outside = (linked?: string) =>
    new LambdashError(
      'INVALID_PROJECT',
      `${displayPath(file)} (${what}) ${linked ? `leads to ${escapeControlCharacters(linked)}, ` : 'is '}outside the project folder ${escapeControlCharacters(project.dir)}: lambdash reads test data only from inside it.`,
      `Move the file into ${escapeControlCharacters(project.dir)} (or a folder below it) and give its path relative to ${PROJECT_FILE_NAME}, such as "test/${escapeControlCharacters(path.basename(file))}".`,
    );
  if (!isInside(project.dir, file)) throw outside();
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return file; // not there (or unreadable): readText says which
  }
  if (!isInside(await realpath(project.dir), real)) throw outside(real);
  return real;
}

/** Whether `file` is `dir` itself or lies below it. */
function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return !path.isAbsolute(relative) && relative !== '..' && !relative.startsWith(`..${path.sep}`);
}

/**
 * The values of a responder's build secrets, read from where the project file says they come
 * from (environment variables, files inside the project folder); none without.
 */
export function loadBuildSecrets(
  project: Project,
  responder: ProjectResponder,
): Promise<Record<string, Uint8Array>> {
  return readBuildSecrets(responder.secrets ?? {}, { dir: project.dir, insideDir: true });
}

/** Checks the new text, then writes it. */
async function save(file: string, text: string): Promise<Project> {
  const project = parseProject(text, file);
  await writeAtomically(file, text);
  return project;
}

/**
 * The text with `entry` appended to the responders list, laid out as the file is: the entries
 * before it are left exactly as they are (jsonc-parser's `modify` reformats them).
 */
function appendToList(text: string, entry: Record<string, unknown>): string {
  // The file's own indentation unit and line ends.
  const unit = /\n( +|\t)\S/.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const root = parseTree(text)!;
  const list = findNodeAtLocation(root, ['responders'])!;
  const items = list.children ?? [];
  const last = items[items.length - 1];
  const listIndent = indentOfLine(text, list.parent!.offset);
  const itemIndent = last ? indentOfLine(text, last.offset) : listIndent + unit;
  const json = JSON.stringify(entry, null, unit)
    .split('\n')
    .join(eol + itemIndent);
  if (last) {
    const end = last.offset + last.length;
    return `${text.slice(0, end)},${eol}${itemIndent}${json}${text.slice(end)}`;
  }
  const replacement = `[${eol}${itemIndent}${json}${eol}${listIndent}]`;
  return text.slice(0, list.offset) + replacement + text.slice(list.offset + list.length);
}

/** The text without the list's entry `index`; the others stay exactly as they are. */
function removeFromList(text: string, index: number): string {
  const list = findNodeAtLocation(parseTree(text)!, ['responders'])!;
  const items = list.children ?? [];
  const item = items[index]!;
  const before = items[index - 1];
  const after = items[index + 1];
  const [from, to] = before
    ? [before.offset + before.length, item.offset + item.length]
    : after
      ? [item.offset, after.offset]
      : [list.offset, list.offset + list.length];
  return text.slice(0, from) + (before || after ? '' : '[]') + text.slice(to);
}

/** The white space that starts the line holding `offset`. */
function indentOfLine(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

function withoutDefaults(spec: ProjectResponderSpec): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: spec.name, source: spec.source };
  if (spec.handler && spec.handler !== 'handler') entry.handler = spec.handler;
  for (const key of ['testData', 'memorySize', 'timeout', 'architecture'] as const) {
    if (spec[key] !== undefined) entry[key] = spec[key];
  }
  for (const key of ['labels', 'environment', 'secrets'] as const) {
    if (spec[key] && Object.keys(spec[key]).length) entry[key] = spec[key];
  }
  if (spec.externals?.length) entry.externals = spec.externals;
  if (spec.typecheck === false) entry.typecheck = false;
  return entry;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LambdashError(
      'INVALID_OPTION',
      code === 'ENOENT'
        ? `There is no file at ${displayPath(file)} (${what}).`
        : `${displayPath(file)} (${what}) cannot be read: ${(error as Error).message}`,
      code === 'ENOENT' ? 'Check the path, or create the file.' : 'Check its permissions.',
      { cause: error },
    );
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/** A path as people want to read it: relative when under the current folder. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return escapeControlCharacters(
    relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file,
  );
}
