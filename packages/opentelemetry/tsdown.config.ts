import { packageConfig } from '../../tsdown.base';

// Web-standard APIs only: the same build runs on Node, Workers, Bun and Deno.
export default packageConfig({ entry: ['src/index.ts'], platform: 'neutral' });
