// `lambdash` in a terminal: the full-screen app (src/tui), loaded only when it is opened so
// the subcommands start without React and ink.
import path from 'node:path';
import type { CliContext } from './context.js';

export async function launchApp(ctx: CliContext, readOnly: boolean): Promise<number> {
  const o = ctx.options;
  const project = await ctx.project();
  // A path in a variable, which esbuild leaves alone: the app is a bundle of its own
  // (dist/tui/run-app.js, beside dist/cli/), loaded only when it opens.
  const modulePath = '../tui/run-app.js';
  const { runApp } = (await import(modulePath)) as typeof import('../tui/run-app.js');
  return runApp({
    readOnly,
    projectDir: project?.dir ?? path.resolve(ctx.projectDir()),
    ...(o.region ? { region: o.region } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.local ? { local: true } : {}),
  });
}
