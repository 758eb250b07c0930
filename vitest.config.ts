// Two projects: fast pure unit tests (parallel), and end-to-end tests that start real
// processes (claude, the collector, Prometheus) on loopback ports, with limited parallelism.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    env: { TZ: 'UTC' },
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['wrapper/test/unit/**/*.test.ts', 'grafana/test/**/*.test.ts'],
          env: { TZ: 'UTC' },
        },
      },
      {
        test: {
          name: 'e2e',
          // After the unit tests, in their own group: they start real processes and need the cores.
          sequence: { groupOrder: 1 },
          include: ['wrapper/test/e2e/**/*.test.ts'],
          env: { TZ: 'UTC' },
          testTimeout: 180_000,
          hookTimeout: 180_000,
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
    ],
  },
});
