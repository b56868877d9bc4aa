import { defineConfig } from 'tsdown';

export default defineConfig({
  // `pool` is its own entry: only the adapters' per-request options need it.
  entry: ['src/index.ts', 'src/pool.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  fixedExtension: true,
  clean: true,
  platform: 'neutral',
});
