import { defineConfig } from 'tsdown';

export default defineConfig({
  // `pool` and `adapter` are entries of their own: only the adapters need them.
  entry: ['src/index.ts', 'src/pool.ts', 'src/adapter.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  fixedExtension: true,
  clean: true,
  platform: 'neutral',
});
