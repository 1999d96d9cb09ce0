import { defineConfig } from 'vitest/config';

// Three projects, each with only the setup it needs. `vitest run` runs all three (npm test);
// `vitest run --project unit` (npm run test:unit) needs no Docker engine, no ../shared, no
// network, no root and no build: tests that need any of those live in test/integration.
const awsEventsNote = 'test/support/aws-events-setup.ts';
// The runtime built as it ships and the examples' packages installed, before any test starts.
const builtAndInstalled = 'test/support/global-setup.ts';

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', 'test/fixtures/**'],
    // Generous: tests build images and start containers on a 2-core CI machine that may run
    // 2–3x slower than usual. A limit only decides how long a hang takes to fail; no test
    // asserts on time.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Three files at a time, whatever the cores: the integration tests spend most of their time
    // waiting on the Docker engine, the registry and child processes, not computing (one worker,
    // vitest's default on 2 cores, left the machine idle for most of a 12-minute run). Each file
    // uses its own names, ports and data folders, so files never share state.
    maxWorkers: 3,
    // The AWS SDK warns once per process that its 2027 releases will need Node 22: noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          globalSetup: [awsEventsNote],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/integration/**/*.test.tsx'],
          globalSetup: [awsEventsNote, builtAndInstalled],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/e2e/**/*.test.tsx'],
          // The app in a terminal, driven like a person would: after the other projects and
          // one file at a time, so a screen is never drawn on a machine busy with builds.
          sequence: { groupOrder: 1 },
          poolOptions: { forks: { singleFork: true } },
          globalSetup: [builtAndInstalled],
        },
      },
    ],
  },
});
