import { packageConfig } from '../../tsdown.base';

export default packageConfig({
  // `pool`, `adapter` and `store-kit` are entries of their own: the main entry stays small for apps.
  entry: {
    index: 'src/index.ts',
    pool: 'src/pool.ts',
    adapter: 'src/adapter/index.ts',
    'store-kit': 'src/store-kit/index.ts',
  },
  platform: 'neutral',
});
