import { packageConfig } from '../../tsdown.base';

export default packageConfig({
  // `pool`, `adapter` and `store-kit` are entries of their own: only the adapters and stores need them.
  entry: {
    index: 'src/index.ts',
    pool: 'src/pool.ts',
    adapter: 'src/adapter.ts',
    'store-kit': 'src/store-kit/index.ts',
  },
  platform: 'neutral',
});
