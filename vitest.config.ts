import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['**/node_modules/**', 'test/fixtures/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Generous: tests build images and start containers on a 2-core CI machine that may run
    // 2–3x slower than usual. A limit only decides how long a hang takes to fail; no test
    // asserts on time.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // The AWS SDK warns once per process that its 2027 releases will need Node 22: noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
