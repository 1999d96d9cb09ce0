// The image's entry point. On Lambda (AWS_LAMBDA_RUNTIME_API is set) it is the runtime;
// anywhere else it is the local emulator, which serves the Invoke API on port 8080 and runs
// this same file as its runtime. The runtime is bundled in (its cold start is what users
// pay for); the emulator is loaded only when needed.
import { runRuntime } from './runtime-main.js';

const runtimeApi = process.env.AWS_LAMBDA_RUNTIME_API;

if (runtimeApi) {
  await runRuntime(runtimeApi, process.argv[2] ?? process.env._HANDLER ?? '');
} else {
  const { runEmulator } = await import('./emulator/emulator-main.js');
  await runEmulator(process.argv.slice(2), new URL(import.meta.url));
}
