import { defineConfig } from 'tsdown';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    fixedExtension: true,
    clean: true,
    platform: 'node',
  },
  {
    // The CLI is an executable, not an import: ESM only, no types.
    entry: ['src/cli.ts'],
    format: ['esm'],
    dts: false,
    fixedExtension: true,
    clean: false,
    platform: 'node',
  },
]);
