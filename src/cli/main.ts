// The `lambdash` command (bin/lambdash.js runs the build of this file). The app opens without
// loading the command line; everything else loads it (a chunk of its own).
import { appOptionsOf, openApp } from './open-app.js';

// The AWS SDK warns on Node 20 about a future release; lambdash supports Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const argv = process.argv.slice(2);
const app = appOptionsOf(argv, Boolean(process.stdin.isTTY && process.stdout.isTTY));
if (app) {
  process.exitCode = await openApp(app);
} else {
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  });
}
