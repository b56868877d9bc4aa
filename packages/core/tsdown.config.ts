import { packageConfig } from '../../tsdown.base';

export default packageConfig({
  // `pool` and `adapter` are entries of their own: only the adapters need them.
  entry: ['src/index.ts', 'src/pool.ts', 'src/adapter.ts'],
  platform: 'neutral',
});
