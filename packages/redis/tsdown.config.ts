import { packageConfig } from '../../tsdown.base';

export default packageConfig({
  // No entry uses a Node built-in; `upstash` is the one for edge runtimes (its types name no TCP client).
  entry: { index: 'src/index.ts', upstash: 'src/upstash.ts' },
  platform: 'neutral',
});
