import { packageConfig } from '../../tsdown.base';

// Neutral: the same build runs on Node, Workers, Bun and Deno.
export default packageConfig({ entry: ['src/index.ts'], platform: 'neutral' });
