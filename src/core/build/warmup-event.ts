// The event the image build's warm-up runs (Jot's run_tests_during_package_compile, Node's
// way): with test data, its payload as the build's test sends it, byte for byte, so the code
// paths the test exercises are the ones V8 compiles into the cache and the test then meets
// warm; without, `{}`. A payload that cannot be sent is refused before anything is built.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { payloadJson } from '../common/invocation-payload.js';
import { WARMUP_EVENT } from './dockerfile.js';

/** The warm-up event's JSON text, or INVALID_PAYLOAD for test data no invocation could send. */
export function warmupEventOf(testData: { readonly payload: unknown } | undefined): string {
  return testData ? payloadJson(testData.payload) : '{}';
}

/** Writes the event where the Dockerfile's warm-up step copies it from. */
export async function writeWarmupEvent(context: string, event: string): Promise<void> {
  await mkdir(path.join(context, path.dirname(WARMUP_EVENT)), { recursive: true });
  await writeFile(path.join(context, WARMUP_EVENT), event);
}
