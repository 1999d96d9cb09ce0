// The image's entry point. On Lambda (AWS_LAMBDA_RUNTIME_API is set) it is the runtime;
// anywhere else it is the local emulator, which serves the Invoke API on port 8080 and runs
// this same file as its runtime. The emulator is loaded only when needed.
const runtimeApi = process.env.AWS_LAMBDA_RUNTIME_API;

if (runtimeApi) {
  const handler = process.argv[2] ?? process.env._HANDLER ?? '';
  const { runRuntime } = await import('./runtime-main.js');
  await runRuntime(runtimeApi, handler);
} else {
  const { runEmulator } = await import('./emulator/emulator-main.js');
  await runEmulator(process.argv.slice(2), new URL(import.meta.url));
}
