import { packageConfig } from '../../tsdown.base';

export default packageConfig({ entry: ['src/index.ts'], platform: 'node' });
