// How the terminal app is bundled (scripts/build.mjs, and bench/tui.ts, which measures the
// app as it ships): ink, React and the other packages its views use go into the bundle (one
// file loads many times faster than the hundreds ink is made of); every other package (the
// core's: the AWS SDK, dockerode...) stays external.
import path from 'node:path';

/** Packages bundled into the terminal app (with what they import); every other one is external. */
const BUNDLED_PACKAGES = new Set(['ink', 'react', '@alcalzone/ink-table', 'conf']);

export const terminalAppPackages = {
  name: 'terminal-app-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true };
      const name = args.path.startsWith('@')
        ? args.path.split('/').slice(0, 2).join('/')
        : args.path.split('/')[0];
      // Imports made inside node_modules belong to a bundled package: bundled with it.
      if (args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      return BUNDLED_PACKAGES.has(name) ? undefined : { external: true };
    });
    // ink loads React's devtools only when DEV=true; bundled, that import would be a missing package.
    build.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}ink${path.sep}`)
        ? { path: 'ink-devtools', namespace: 'terminal-app-empty' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'terminal-app-empty' }, () => ({
      contents: 'export default undefined;',
    }));
    // With CI set, ink draws only the last frame, for logs. The app runs only on a terminal,
    // and a terminal in a shell that sets CI (a dev container, a CI job's debug session) is
    // still one a person looks at: there ink's CI mode would show nothing until quit.
    build.onResolve({ filter: /^is-in-ci$/ }, () => ({
      path: 'is-in-ci',
      namespace: 'terminal-app-ci',
    }));
    build.onLoad({ filter: /.*/, namespace: 'terminal-app-ci' }, () => ({
      contents: [
        "import { env, stdout } from 'node:process';",
        "const set = (key) => key in env && env[key] !== '0' && env[key] !== 'false';",
        "export default (set('CI') || set('CONTINUOUS_INTEGRATION')) && !stdout.isTTY;",
      ].join('\n'),
    }));
  },
};
