import { packageConfig } from '../../tsdown.base';

export default packageConfig({
  // `terminus` is its own entry so the main one never imports the optional @nestjs/terminus peer.
  entry: ['src/index.ts', 'src/terminus.ts'],
  platform: 'node',
});
