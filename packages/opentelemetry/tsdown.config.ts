import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  fixedExtension: true,
  clean: true,
  // Web-standard APIs only: the same build runs on Node, Workers, Bun and Deno.
  platform: 'neutral',
});
