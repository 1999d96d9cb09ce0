#!/usr/bin/env node
// The installed command: everything lives in the built command line (dist/cli/main.js).
// The AWS SDK warns on Node 20 as its modules load, before main.js's own code runs.
import { existsSync } from 'node:fs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error(
    "lambdash is not built yet: run `npm run build` (or `npm start`) in lambdash's folder, then try again.",
  );
  process.exit(1);
}
await import(main.href);
