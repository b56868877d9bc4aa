import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
      // tsconfig.json covers the shipped sources only (it excludes tests).
      tsconfig: './tsconfig.test.json',
    },
    testTimeout: 20_000,
  },
});
