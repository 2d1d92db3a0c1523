import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the code under test through these aliases (the same as tsconfig.base.json's paths),
// so a test's imports do not change when it or its subject moves.
const dir = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const alias = {
  '@shared': dir('./shared'),
  '@engine': dir('./electron/engine'),
  '@cli': dir('./electron/cli'),
  '@main': dir('./electron/main'),
  '@preload': dir('./electron/preload'),
  '@renderer': dir('./renderer'),
  '@fixtures': dir('./tests/fixtures'),
  '@scripts': dir('./scripts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
