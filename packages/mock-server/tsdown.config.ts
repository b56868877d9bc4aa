import { packageConfig } from '../../tsdown.base';

export default [
  packageConfig({ entry: ['src/index.ts'], platform: 'node' }),
  // The CLI is an executable, not an import: ESM only, no types, next to the library's files.
  packageConfig({
    entry: ['src/cli.ts'],
    platform: 'node',
    format: ['esm'],
    dts: false,
    clean: false,
  }),
];
