// docs/library.md's "Coming from Jot.jl" maps each of Jot.jl's exports to lambdash's, and names
// every value the library exports: those with no Jot counterpart in its "(lambdash only)" rows,
// in the table itself rather than in a list here. So a Jot user finds every function, and a new
// export that the table does not name fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportedValues } from '../support/exported-values.js';
import { repoRoot } from '../support/paths.js';

/**
 * What Jot.jl exports (the `export` lines of its src/Jot.jl), with the names of its earlier
 * versions (AbstractResponder, LocalPackageResponder, create_jot_sysimage!): a Jot user may
 * come from either.
 */
const JOT_EXPORTS = [
  'AWSConfig',
  'LambdaException',
  'get_responder',
  'Responder',
  'AbstractResponder',
  'LocalPackageResponder',
  'LocalImage',
  'Container',
  'RemoteImage',
  'ECRRepo',
  'LambdaFunction',
  'AWSRole',
  'AWSRolePolicyDocument',
  'AWSRolePolicyStatement',
  'LambdaFunctionInvocationLog',
  'LogEvent',
  'InvocationTimeBreakdown',
  'get_aws_role',
  'get_user_labels',
  'LambdaFunctionState',
  'pending',
  'active',
  'get_dockerfile',
  'build_definition',
  'run_image_locally',
  'create_local_image',
  'get_local_image',
  'send_local_request',
  'run_local_image_test',
  'run_lambda_function_test',
  'stop_container',
  'is_container_running',
  'create_ecr_repo',
  'get_ecr_repo',
  'push_to_ecr!',
  'get_remote_image',
  'create_aws_role',
  'create_lambda_function',
  'get_lambda_function',
  'invoke_function',
  'invoke_function_with_log',
  'get_invocation_time_breakdown',
  'create_lambda_components',
  'with_remote_image!',
  'with_lambda_function!',
  'delete!',
  'show_lambdas',
  'show_observations',
  'show_log_events',
  'get_invocation_run_time',
  'JOT_OBSERVATION',
  'JOT_AWS_LAMBDA_REQUEST_ID',
  'get_labels',
  'get_lambda_name',
  'get_all_local_images',
  'get_all_remote_images',
  'get_all_ecr_repos',
  'get_all_lambda_functions',
  'get_all_containers',
  'get_all_aws_roles',
  'LambdaComponents',
  'run_test',
  'FunctionTestData',
  'create_environment!',
  'nest_quotes',
  'create_sysimage',
  'create_jot_sysimage!',
  'count_precompile_statements',
];

const LAMBDASH_ONLY = '(lambdash only)';

interface Row {
  /** The first column: Jot's name and arguments, or "(lambdash only)". */
  readonly jot: string;
  /** The second column: lambdash's functions, options or types. */
  readonly lambdash: string;
}

/** The section's text, from its heading to the next heading of its level or above. */
function section(page: string, heading: string): string {
  const start = page.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/library.md has no "${heading}"`);
  const rest = page.slice(start + heading.length + 2);
  const end = rest.search(/^#{1,2} /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The body rows of every table in the text (header and separator lines left out). */
function tableRows(text: string): Row[] {
  const lines = text.split('\n');
  const isSeparator = (line: string | undefined) => !!line && /^\|(\s*:?-+:?\s*\|)+\s*$/.test(line);
  const rows: Row[] = [];
  lines.forEach((line, index) => {
    if (!line.startsWith('|') || isSeparator(line) || isSeparator(lines[index + 1])) return;
    // Cells split at pipes a cell does not escape (`\|` inside one stays).
    const cells = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
    rows.push({ jot: cells[0] ?? '', lambdash: cells[1] ?? '' });
  });
  return rows;
}

/** The names in a cell's code spans (`getAllLocalImages({ filters })` names both; Jot's keep `!`). */
function namesIn(cell: string): Set<string> {
  const names = new Set<string>();
  for (const span of cell.matchAll(/`([^`]+)`/g)) {
    for (const name of span[1]!.match(/[A-Za-z_$][\w$]*!?/g) ?? []) names.add(name);
  }
  return names;
}

function jotTable(): { jotRows: Row[]; onlyRows: Row[] } {
  const page = readFileSync(path.join(repoRoot, 'docs', 'library.md'), 'utf8');
  const rows = tableRows(section(page, '## Coming from Jot.jl'));
  const onlyRow = (row: Row) => row.jot.replace(/\*/g, '') === LAMBDASH_ONLY;
  return { jotRows: rows.filter((row) => !onlyRow(row)), onlyRows: rows.filter(onlyRow) };
}

function union(sets: Iterable<Set<string>>): Set<string> {
  const all = new Set<string>();
  for (const set of sets) for (const name of set) all.add(name);
  return all;
}

describe("docs/library.md's Jot ↔ lambdash table", () => {
  it('names every value the library exports', () => {
    const { jotRows, onlyRows } = jotTable();
    // A table that lost its rows (a heading renamed, the layout changed) would name nothing.
    expect(jotRows.length).toBeGreaterThan(40);
    const named = union([...jotRows, ...onlyRows].map((row) => namesIn(row.lambdash)));
    const missing = [...exportedValues('src/core/index.ts')].filter((name) => !named.has(name));
    expect(
      missing,
      'exports the table does not name: map each to Jot, or add it to a (lambdash only) row',
    ).toEqual([]);
  });

  it('lists as lambdash only exports that no Jot row names', () => {
    const { jotRows, onlyRows } = jotTable();
    const exported = exportedValues('src/core/index.ts');
    const mapped = union(jotRows.map((row) => namesIn(row.lambdash)));
    const only = [...union(onlyRows.map((row) => namesIn(row.lambdash)))];
    expect(only.length).toBeGreaterThan(0);
    expect(
      only.filter((name) => !exported.has(name)),
      'not exported',
    ).toEqual([]);
    expect(
      only.filter((name) => mapped.has(name)),
      'also mapped from Jot',
    ).toEqual([]);
  });

  it('maps every function and type Jot.jl exports, each to something', () => {
    const { jotRows } = jotTable();
    const named = union(jotRows.map((row) => namesIn(row.jot)));
    expect(JOT_EXPORTS.filter((name) => !named.has(name))).toEqual([]);
    // A Jot name with nothing beside it would leave its user without a way.
    expect(jotRows.filter((row) => row.lambdash === '').map((row) => row.jot)).toEqual([]);
  });
});
