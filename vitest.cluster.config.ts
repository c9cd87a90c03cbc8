import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: the guides on a real Temporal cluster on PostgreSQL (test/cluster). Its own
// config because it starts its own cluster (no dev server from test/global-setup.ts) and needs the
// server build from scripts/install-temporal-server.sh; `npm test` leaves it out.
export default defineConfig({
  test: {
    // Temporal's native bridge crashes inside worker threads.
    pool: 'forks',
    include: ['test/cluster/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    maxWorkers: 1,
    reporters: ['default'],
  },
});
