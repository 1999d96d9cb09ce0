// The `lambdash` command (bin/lambdash.js runs the build of this file).
import { runCli } from './program.js';

// The AWS SDK warns on Node 20 about a future release; lambdash supports Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
