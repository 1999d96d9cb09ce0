// `lambdash` in a terminal: the full-screen app (src/tui), loaded only when it is opened so
// the subcommands start without React and ink.
import path from 'node:path';
import type { CliContext } from './context.js';

export async function launchApp(ctx: CliContext, readOnly: boolean): Promise<number> {
  const o = ctx.options;
  const project = await ctx.project();
  // A path in a variable: the app lands in src/tui (issue 6); until then this import fails.
  const modulePath = '../tui/run-app.js';
  const { runApp } = (await import(modulePath)) as {
    runApp(options: {
      readOnly?: boolean;
      projectDir?: string;
      region?: string;
      profile?: string;
      endpoint?: string;
      local?: boolean;
    }): Promise<number>;
  };
  return runApp({
    readOnly,
    projectDir: project?.dir ?? path.resolve(ctx.projectDir()),
    ...(o.region ? { region: o.region } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.local ? { local: true } : {}),
  });
}
