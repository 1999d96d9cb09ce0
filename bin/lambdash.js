#!/usr/bin/env node
// The installed command: everything lives in the built command line (dist/cli/main.js).
// The AWS SDK warns on Node 20 as its modules load, before main.js's own code runs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
await import('../dist/cli/main.js');
