// Before any test starts: the runtime built as it ships, and the examples' packages installed
// (npm ci needs the registry, whose speed no test's timeout should have to allow for).
import { execFileSync } from 'node:child_process';
import { ensureExampleInstalled } from './examples.js';

export default async function setup(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  await ensureExampleInstalled('http-api');
}
