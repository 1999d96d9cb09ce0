// `lambdash ls`: the lineage table as text (or --json): one row per responder with its newest
// local image, its remote image and its function (marked when it runs older code), and whether
// the code changed since it was built; `--older` lists each responder's older chains under it.
import type { Command } from 'commander';
import { getLineage, type LineageRow, resolveSource } from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import { formatAge, formatBytes, formatTable, shortId } from '../format.js';

export function registerLs(program: Command, kit: CommandKit): void {
  program
    .command('ls')
    .description('the lineage table: responders, local images, remote images and functions')
    .option('--no-aws', "this machine's images only (no AWS calls)")
    .option('--all', "everything lambdash made on this engine and account, not only the project's")
    .option('--older', "each responder's older chains (images, other functions) under its row")
    .action(
      kit.action(async (ctx, _args, options) => {
        const project = await ctx.project();
        const readAws = options.aws !== false;
        const rows = await getLineage({
          ...ctx.operation,
          ...(readAws ? { target: await ctx.target() } : { aws: false }),
          ...(project
            ? {
                responders: project.responders.map((spec) => ({
                  source: resolveSource(project, spec),
                  handler: spec.handler,
                  name: spec.name,
                })),
              }
            : {}),
          scope: options.all ? 'all' : 'project',
        });
        const now = new Date();
        const lines = rows.flatMap((row) => [
          rowCells(row, now),
          ...(options.older
            ? (row.older ?? []).map((chain) => rowCells(chain, now, { older: true }))
            : []),
        ]);
        ctx.result(rows.map(rowJson), () =>
          rows.length === 0
            ? `Nothing yet: \`lambdash new <name>\` starts a responder, \`lambdash build\` makes its image${project && !options.all ? ' (`lambdash ls --all` lists everything lambdash made)' : ''}.`
            : formatTable(
                ['RESPONDER', 'STATE', 'LOCAL IMAGE', 'REMOTE IMAGE', 'FUNCTION'],
                lines,
                ctx.width,
              ),
        );
      }),
    );
}

/** Every part present in the JSON, null when missing: scripts read a stable shape. */
function rowJson(row: LineageRow): Record<string, unknown> {
  return {
    key: row.key,
    responder: row.responder ?? null,
    localImage: row.localImage ?? null,
    remoteImage: row.remoteImage ?? null,
    repo: row.repo ?? null,
    lambdaFunction: row.lambdaFunction ?? null,
    outdated: row.outdated ?? false,
    older: (row.older ?? []).map(rowJson),
  };
}

export function rowCells(
  row: LineageRow,
  now: Date = new Date(),
  options: { older?: boolean } = {},
): string[] {
  const local = row.localImage;
  const remote = row.remoteImage;
  const fn = row.lambdaFunction;
  const name = row.responder?.name ?? '-';
  return [
    options.older ? `  └ ${name}` : name,
    row.responder?.state ?? '-',
    local
      ? `${local.ref || '<untagged>'} ${shortId(local.id)} ${formatAge(local.created, now)} ${formatBytes(local.size)}`
      : '-',
    remote
      ? `${remote.repo}@${remote.digest.slice(7, 19)}${remote.tags.length ? ` (${remote.tags.join(',')})` : ''}`
      : '-',
    fn ? `${fn.name} ${fn.state}${row.outdated ? ' (older code)' : ''}` : '-',
  ];
}
