import { defineConfig } from 'tsdown';

export default defineConfig({
  // `terminus` is its own entry so the main one never imports the optional @nestjs/terminus peer.
  entry: ['src/index.ts', 'src/terminus.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  fixedExtension: true,
  clean: true,
  platform: 'node',
});
