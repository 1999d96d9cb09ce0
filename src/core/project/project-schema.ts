// The project file's rules, checked over the parsed tree so every problem points at the line
// and column to fix. schema/lambdash.schema.json publishes the same rules for editors; a unit
// test holds the two to agreeing on a table of good and bad files.

import type { Architecture } from '../aws/aws-resources.js';
import { escapeControlCharacters } from '../common/control-characters.js';
import {
  type JsonNode,
  parseJsonTree,
  positionAt,
  type TextPosition,
} from '../common/json-text.js';
import { validateUserLabels } from '../common/labels.js';
import { SECRET_ID } from '../common/names.js';
import { nearest } from '../common/nearest.js';
import type { BuildSecretSource } from '../images/build-secrets.js';
import type { TestData } from '../images/local-test.js';
import { PACKAGE_NAME } from '../responder/responder-options.js';

/** One responder as the project file declares it. */
export interface ProjectResponder {
  /** Names the image, the ECR repository and the Lambda function. */
  readonly name: string;
  /** As written: a path relative to the project file, or a git URL. */
  readonly source: string;
  /** Default `handler`. */
  readonly handler: string;
  /** Inline test data, or the path (relative to the project file) of a JSON file holding it. */
  readonly testData?: TestData | string;
  readonly labels: Readonly<Record<string, string>>;
  /** MB, 128–10240. */
  readonly memorySize?: number;
  /** Seconds, 1–900. */
  readonly timeout?: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly architecture?: Architecture;
  /** Build secrets by id: where each value comes from (never the value itself). */
  readonly secrets?: Readonly<Record<string, BuildSecretSource>>;
  /** npm packages kept out of the bundle and installed in the image instead. */
  readonly externals?: readonly string[];
  /** `false` builds without the type check; default on. */
  readonly typecheck?: boolean;
}

/** What `addResponder` and `lambdash new` take: a responder with its defaults left out. */
export interface ProjectResponderSpec {
  readonly name: string;
  readonly source: string;
  readonly handler?: string;
  readonly testData?: TestData | string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly memorySize?: number;
  readonly timeout?: number;
  readonly environment?: Readonly<Record<string, string>>;
  readonly architecture?: Architecture;
  readonly secrets?: Readonly<Record<string, BuildSecretSource>>;
  readonly externals?: readonly string[];
  readonly typecheck?: boolean;
}

export interface ProjectProblem extends TextPosition {
  readonly message: string;
}

export const RESPONDER_NAME = /^(?=.{2,64}$)[a-z0-9]+(?:[_-][a-z0-9]+)*$/;
const HANDLER = /^[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*$/;
const ENV_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
// Any variable of the environment lambdash runs in (a secret's source, not a function's).
const SOURCE_ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ROOT_FIELDS = ['$schema', 'responders'];
const RESPONDER_FIELDS = [
  'name',
  'source',
  'handler',
  'testData',
  'labels',
  'memorySize',
  'timeout',
  'environment',
  'architecture',
  'secrets',
  'externals',
  'typecheck',
];
const SECRET_FIELDS = ['env', 'file'];
const TEST_DATA_FIELDS = ['payload', 'expected', 'timeout'];
const ARCHITECTURES: readonly Architecture[] = ['x86_64', 'arm64'];

/** Collects problems with their positions in one text. */
class Problems {
  readonly list: ProjectProblem[] = [];
  constructor(private readonly text: string) {}

  /**
   * A node's value as JSON.parse makes it (jsonc-parser's own getNodeValue makes objects without
   * a prototype, which deep equality then tells apart from the ones a handler answers with).
   */
  valueOf(node: JsonNode): unknown {
    return JSON.parse(this.text.slice(node.offset, node.offset + node.length));
  }

  add(node: JsonNode, message: string): void {
    // Messages quote the file's own strings, which JSON escapes may fill with controls.
    this.list.push({
      ...positionAt(this.text, node.offset),
      message: escapeControlCharacters(message),
    });
  }
}

/** Checks a project file's text: its responders when it is valid, else every problem found. */
export function checkProjectText(text: string): {
  readonly responders: ProjectResponder[];
  readonly problems: ProjectProblem[];
} {
  const parsed = parseJsonTree(text);
  if (parsed.error) return { responders: [], problems: [parsed.error] };
  const problems = new Problems(text);
  const root = parsed.node;
  if (root.type !== 'object') {
    problems.add(root, 'the file must hold one JSON object: { "responders": [ ... ] }');
    return { responders: [], problems: problems.list };
  }
  const fields = properties(root, ROOT_FIELDS, '', problems);
  const schema = fields.get('$schema');
  if (schema && schema.type !== 'string') problems.add(schema, '"$schema" must be a string');
  const list = fields.get('responders');
  const responders: ProjectResponder[] = [];
  if (!list) {
    problems.add(root, 'the file needs a "responders" list: { "responders": [ ... ] }');
  } else if (list.type !== 'array') {
    problems.add(list, '"responders" must be a list: [ { "name": ..., "source": ... } ]');
  } else {
    const seen = new Map<string, number>();
    (list.children ?? []).forEach((item, index) => {
      const where = `responders[${index}]`;
      const responder = checkResponder(item, where, problems);
      if (!responder) return;
      const first = seen.get(responder.name);
      if (first !== undefined) {
        const nameNode = properties(item, RESPONDER_FIELDS, where).get('name')!;
        problems.add(
          nameNode,
          `${where}.name "${responder.name}" is taken by responders[${first}]: names must be unique`,
        );
        return;
      }
      seen.set(responder.name, index);
      responders.push(responder);
    });
  }
  return { responders: problems.list.length ? [] : responders, problems: problems.list };
}

/** Checks one responder given as a value (what `addResponder` is handed): problems without positions. */
export function checkResponderSpec(spec: ProjectResponderSpec): {
  readonly responder?: ProjectResponder;
  readonly problems: readonly string[];
} {
  const text = JSON.stringify(spec) ?? 'null';
  const parsed = parseJsonTree(text);
  const problems = new Problems(text);
  const responder = parsed.node
    ? checkResponder(parsed.node, 'the responder', problems)
    : undefined;
  return {
    ...(responder && !problems.list.length ? { responder } : {}),
    problems: problems.list.map((problem) => problem.message),
  };
}

/** Checks test data read from its own JSON file. */
export function checkTestDataText(text: string): {
  readonly testData?: TestData;
  readonly problems: ProjectProblem[];
} {
  const parsed = parseJsonTree(text);
  if (parsed.error) return { problems: [parsed.error] };
  const problems = new Problems(text);
  const testData = checkTestData(parsed.node, 'the test data', problems);
  return { ...(testData && !problems.list.length ? { testData } : {}), problems: problems.list };
}

function checkResponder(
  node: JsonNode,
  where: string,
  problems: Problems,
): ProjectResponder | undefined {
  if (node.type !== 'object') {
    problems.add(node, `${where} must be an object: { "name": ..., "source": ... }`);
    return undefined;
  }
  const before = problems.list.length;
  const fields = properties(node, RESPONDER_FIELDS, where, problems);
  const name = requiredString(node, fields, 'name', where, problems);
  if (name !== undefined && !RESPONDER_NAME.test(name)) {
    problems.add(
      fields.get('name')!,
      `${where}.name "${name}" must be 2 to 64 lower-case letters and digits, with "-" or "_" between them (it names the image, the repository and the function)`,
    );
  }
  const source = requiredString(node, fields, 'source', where, problems);
  if (source === '') problems.add(fields.get('source')!, `${where}.source is empty`);

  const handlerNode = fields.get('handler');
  const handler = handlerNode ? stringOf(handlerNode, `${where}.handler`, problems) : 'handler';
  if (handlerNode && handler !== undefined && !HANDLER.test(handler)) {
    problems.add(
      handlerNode,
      `${where}.handler "${handler}" must name an export, such as "handler" or "api.handler"`,
    );
  }

  const testDataNode = fields.get('testData');
  let testData: TestData | string | undefined;
  if (testDataNode?.type === 'string') {
    testData = testDataNode.value as string;
    if (!testData) problems.add(testDataNode, `${where}.testData is an empty path`);
  } else if (testDataNode) {
    testData = checkTestData(testDataNode, `${where}.testData`, problems);
  }

  const labels = stringMap(fields.get('labels'), `${where}.labels`, problems, (key, value) => {
    try {
      validateUserLabels({ [key]: value });
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  });
  const environment = stringMap(
    fields.get('environment'),
    `${where}.environment`,
    problems,
    (key) =>
      ENV_NAME.test(key)
        ? undefined
        : `"${key}" is not an environment variable name (a letter, then letters, digits or "_")`,
  );
  const memorySize = integer(fields.get('memorySize'), `${where}.memorySize`, 128, 10240, problems);
  const timeout = integer(fields.get('timeout'), `${where}.timeout`, 1, 900, problems);
  const architectureNode = fields.get('architecture');
  const architecture = architectureNode?.value as Architecture | undefined;
  if (architectureNode && !ARCHITECTURES.includes(architecture as Architecture)) {
    problems.add(
      architectureNode,
      `${where}.architecture must be "x86_64" or "arm64", not ${show(architectureNode)}`,
    );
  }
  const secrets = checkSecrets(fields.get('secrets'), `${where}.secrets`, problems);
  const externals = checkExternals(fields.get('externals'), `${where}.externals`, problems);
  const typecheckNode = fields.get('typecheck');
  if (typecheckNode && typecheckNode.type !== 'boolean') {
    problems.add(
      typecheckNode,
      `${where}.typecheck must be true or false (false builds without the type check), not ${show(typecheckNode)}`,
    );
  }
  const typecheck =
    typecheckNode?.type === 'boolean' ? (typecheckNode.value as boolean) : undefined;
  if (problems.list.length > before || name === undefined || source === undefined) return undefined;
  return {
    name,
    source,
    handler: handler ?? 'handler',
    ...(testData !== undefined ? { testData } : {}),
    labels: labels ?? {},
    ...(memorySize !== undefined ? { memorySize } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    environment: environment ?? {},
    ...(architecture !== undefined ? { architecture } : {}),
    ...(secrets !== undefined ? { secrets } : {}),
    ...(externals !== undefined ? { externals } : {}),
    ...(typecheck !== undefined ? { typecheck } : {}),
  };
}

/** Packages to keep out of the bundle: a list of npm package names, each once. */
function checkExternals(
  node: JsonNode | undefined,
  what: string,
  problems: Problems,
): string[] | undefined {
  if (!node) return undefined;
  if (node.type !== 'array') {
    problems.add(node, `${what} must be a list of npm package names, such as ["sharp"]`);
    return undefined;
  }
  const names: string[] = [];
  (node.children ?? []).forEach((item, index) => {
    const at = `${what}[${index}]`;
    const name = stringOf(item, at, problems);
    if (name === undefined) return;
    if (name.length > 214 || !PACKAGE_NAME.test(name)) {
      problems.add(
        item,
        `${at} "${name}" is not an npm package name (such as "sharp" or "@aws-sdk/client-s3")`,
      );
    } else if (names.includes(name)) {
      problems.add(item, `${at} "${name}" is given twice`);
    } else {
      names.push(name);
    }
  });
  return names;
}

/** Build secrets: id → `{ "env": name }` or `{ "file": path }`, never a value. */
function checkSecrets(
  node: JsonNode | undefined,
  what: string,
  problems: Problems,
): Record<string, BuildSecretSource> | undefined {
  if (!node) return undefined;
  const shape = '{ "env": "<VARIABLE>" } or { "file": "<path>" }';
  if (node.type !== 'object') {
    problems.add(node, `${what} must be an object: { "<id>": ${shape} }`);
    return undefined;
  }
  const secrets: Record<string, BuildSecretSource> = {};
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    const id = key.value as string;
    if (!SECRET_ID.test(id)) {
      problems.add(
        key,
        `${what}: "${id}" is not a secret id (1 to 64 letters, digits, "_", "." or "-", not starting with "." or "-")`,
      );
      continue;
    }
    const at = `${what}["${id}"]`;
    if (value.type !== 'object') {
      problems.add(value, `${at} must be ${shape}: the value itself never goes in the file`);
      continue;
    }
    const fields = properties(value, SECRET_FIELDS, at, problems);
    const env = fields.get('env');
    const file = fields.get('file');
    if (!env === !file) {
      problems.add(value, `${at} needs one of "env" and "file"`);
      continue;
    }
    if (env) {
      const variable = stringOf(env, `${at}.env`, problems);
      if (variable !== undefined && !SOURCE_ENV_NAME.test(variable)) {
        problems.add(env, `${at}.env "${variable}" is not an environment variable name`);
      } else if (variable !== undefined) secrets[id] = { env: variable };
    } else if (file) {
      const path = stringOf(file, `${at}.file`, problems);
      if (path === '') problems.add(file, `${at}.file is an empty path`);
      else if (path !== undefined) secrets[id] = { file: path };
    }
  }
  return secrets;
}

function checkTestData(node: JsonNode, where: string, problems: Problems): TestData | undefined {
  if (node.type !== 'object') {
    problems.add(
      node,
      `${where} must be { "payload": ..., "expected": ... } or the path of a JSON file holding it`,
    );
    return undefined;
  }
  const before = problems.list.length;
  const fields = properties(node, TEST_DATA_FIELDS, where, problems);
  for (const field of ['payload', 'expected']) {
    if (!fields.has(field)) problems.add(node, `${where} has no "${field}"`);
  }
  const timeout = integer(fields.get('timeout'), `${where}.timeout`, 1, 900, problems);
  if (problems.list.length > before) return undefined;
  return {
    payload: problems.valueOf(fields.get('payload')!),
    expected: problems.valueOf(fields.get('expected')!),
    ...(timeout !== undefined ? { timeout } : {}),
  };
}

/**
 * An object's properties by name; with `problems`, unknown names (with the nearest known one)
 * and repeated ones are reported.
 */
function properties(
  node: JsonNode,
  known: readonly string[],
  where: string,
  problems?: Problems,
): Map<string, JsonNode> {
  const fields = new Map<string, JsonNode>();
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    const name = key.value as string;
    const prefix = where ? `${where}: ` : '';
    if (!known.includes(name)) {
      const near = nearest(name, known);
      problems?.add(
        key,
        `${prefix}unknown property "${name}"${near ? ` (did you mean "${near}"?)` : ` (known: ${known.join(', ')})`}`,
      );
      continue;
    }
    if (fields.has(name)) problems?.add(key, `${prefix}"${name}" is given twice`);
    fields.set(name, value);
  }
  return fields;
}

function requiredString(
  node: JsonNode,
  fields: Map<string, JsonNode>,
  field: string,
  where: string,
  problems: Problems,
): string | undefined {
  const value = fields.get(field);
  if (!value) {
    problems.add(node, `${where} has no "${field}"`);
    return undefined;
  }
  return stringOf(value, `${where}.${field}`, problems);
}

function stringOf(node: JsonNode, what: string, problems: Problems): string | undefined {
  if (node.type === 'string') return node.value as string;
  problems.add(node, `${what} must be a string, not ${show(node)}`);
  return undefined;
}

function integer(
  node: JsonNode | undefined,
  what: string,
  min: number,
  max: number,
  problems: Problems,
): number | undefined {
  if (!node) return undefined;
  const value = node.value;
  if (node.type === 'number' && Number.isInteger(value) && value >= min && value <= max) {
    return value as number;
  }
  problems.add(node, `${what} must be a whole number from ${min} to ${max}, not ${show(node)}`);
  return undefined;
}

/** An object of strings, each entry checked by `check` (which returns what is wrong, if anything). */
function stringMap(
  node: JsonNode | undefined,
  what: string,
  problems: Problems,
  check: (key: string, value: string) => string | undefined,
): Record<string, string> | undefined {
  if (!node) return undefined;
  if (node.type !== 'object') {
    problems.add(node, `${what} must be an object of strings: { "key": "value" }`);
    return undefined;
  }
  const result: Record<string, string> = {};
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    const name = key.value as string;
    if (value.type !== 'string') {
      problems.add(value, `${what}["${name}"] must be a string, not ${show(value)}`);
      continue;
    }
    const wrong = check(name, value.value as string);
    if (wrong) problems.add(key, `${what}: ${wrong}`);
    else result[name] = value.value as string;
  }
  return result;
}

/** A value as the file has it, shortened. */
function show(node: JsonNode): string {
  if (node.type === 'object') return 'an object';
  if (node.type === 'array') return 'a list';
  const text = JSON.stringify(node.value) ?? String(node.value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
