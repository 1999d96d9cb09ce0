// `lambdash` in a terminal: the full-screen app (src/tui), loaded only when it is opened so
// the subcommands start without React and ink.
import path from 'node:path';
import type { CliContext } from './context.js';
import { openApp } from './open-app.js';

export async function launchApp(ctx: CliContext, readOnly: boolean): Promise<number> {
  const o = ctx.options;
  const project = await ctx.project();
  return openApp({
    readOnly,
    projectDir: project?.dir ?? path.resolve(ctx.projectDir()),
    ...(o.region ? { region: o.region } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.local ? { local: true } : {}),
  });
}
