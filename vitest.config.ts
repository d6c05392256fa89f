// Test runner configuration: one run covers every workspace package, the examples and the models.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/**/*.test.ts',
      'models/**/*.test.ts',
      'rules/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    // A real redis-server on a free port for the tests that need one (the Redis stores); stopped after the run.
    globalSetup: ['packages/server/test/global-setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
