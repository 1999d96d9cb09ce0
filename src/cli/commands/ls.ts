// `lambdash ls`: the lineage table as text (or --json): each responder with its local image,
// its remote image and its function, and whether the code changed since it was built.
import type { Command } from 'commander';
import { getLineage, type LineageRow } from '../../core/lineage.js';
import { resolveSource } from '../../core/project.js';
import type { CommandKit } from '../command.js';
import { formatAge, formatBytes, formatTable, shortId } from '../format.js';

export function registerLs(program: Command, kit: CommandKit): void {
  program
    .command('ls')
    .description('the lineage table: responders, local images, remote images and functions')
    .option('--no-aws', "this machine's images only (no AWS calls)")
    .action(
      kit.action(async (ctx, _args, options) => {
        const project = await ctx.project();
        const readAws = options.aws !== false;
        const rows = await getLineage({
          ...ctx.operation,
          ...(readAws ? { target: await ctx.target() } : { aws: false }),
          responders: (project?.responders ?? []).map((spec) => ({
            source: resolveSource(project!, spec),
            handler: spec.handler,
            name: spec.name,
          })),
        });
        // Every part present in the JSON, null when missing: scripts read a stable shape.
        const json = rows.map((row) => ({
          key: row.key,
          responder: row.responder ?? null,
          localImage: row.localImage ?? null,
          remoteImage: row.remoteImage ?? null,
          repo: row.repo ?? null,
          lambdaFunction: row.lambdaFunction ?? null,
        }));
        ctx.result(json, () =>
          rows.length === 0
            ? 'Nothing yet: `lambdash new <name>` starts a responder, `lambdash build` makes its image.'
            : formatTable(
                ['RESPONDER', 'STATE', 'LOCAL IMAGE', 'REMOTE IMAGE', 'FUNCTION'],
                rows.map((row) => rowCells(row)),
                ctx.width,
              ),
        );
      }),
    );
}

export function rowCells(row: LineageRow, now: Date = new Date()): string[] {
  const local = row.localImage;
  const remote = row.remoteImage;
  const fn = row.lambdaFunction;
  return [
    row.responder?.name ?? '-',
    row.responder?.state ?? '-',
    local
      ? `${local.ref} ${shortId(local.id)} ${formatAge(local.created, now)} ${formatBytes(local.size)}`
      : '-',
    remote
      ? `${remote.repo}@${remote.digest.slice(7, 19)}${remote.tags.length ? ` (${remote.tags.join(',')})` : ''}`
      : '-',
    fn ? `${fn.name} ${fn.state}` : '-',
  ];
}
