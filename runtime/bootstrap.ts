// The image's entry point, built as one CommonJS file: Node starts a CommonJS entry several
// milliseconds sooner than an ES module one, and every cold start pays that. On Lambda
// (AWS_LAMBDA_RUNTIME_API is set) it is the runtime; anywhere else it is the local emulator,
// which serves the Invoke API on port 8080 and runs this same file as its runtime.
import { runRuntime } from './runtime-main.js';

const runtimeApi = process.env.AWS_LAMBDA_RUNTIME_API;

if (runtimeApi) {
  void runRuntime(runtimeApi, process.argv[2] ?? process.env._HANDLER ?? '');
} else {
  // Evaluated only here: the runtime never pays for the emulator's code.
  void import('./emulator/emulator-main.js').then(({ runEmulator }) =>
    runEmulator(process.argv.slice(2), process.argv[1] ?? ''),
  );
}
