import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Tiers by file name (house style): *.spec.ts unit, *.int.spec.ts against real Temporal/Kafka,
// test/replay replays committed histories, test/e2e drives the running system over HTTP and reads Kafka.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{apps,libs,workflows,scripts}/**/*.spec.ts', 'test/unit/**/*.spec.ts'],
          exclude: ['**/*.int.spec.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'replay',
          include: ['test/replay/**/*.spec.ts'],
          setupFiles: ['test/support/quiet-temporal-runtime.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.spec.ts'],
          exclude: ['**/node_modules/**', 'test/e2e/**'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/quiet-temporal-runtime.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // Not part of `npm test`: `npm run bench` prints latency figures on the real servers.
        extends: true,
        test: {
          name: 'bench',
          include: ['bench/**/*.bench.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/quiet-temporal-runtime.ts'],
          testTimeout: 600_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.spec.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/quiet-temporal-runtime.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // The caseworker console in Debian's Chromium (playwright-core) against the real stack (ADR 0018).
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.spec.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/quiet-temporal-runtime.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // The short fault drills (`npm run drill -- --short`): their own servers, the apps as child processes.
        extends: true,
        test: {
          name: 'drill',
          include: ['test/drill/**/*.spec.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
