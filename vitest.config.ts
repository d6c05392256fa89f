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
    testTimeout: 30_000,
    pool: 'forks',
  },
});
