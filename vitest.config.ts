import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal's native bridge crashes inside worker threads: every test file runs in its own process.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // The cluster test starts its own Temporal server on PostgreSQL: npm run test:cluster (vitest.cluster.config.ts).
    exclude: [...configDefaults.exclude, 'test/cluster/**'],
    // One real Temporal dev server and one workflow bundle for the whole run (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: a little parallelism helps, more only makes Temporal timers late.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
