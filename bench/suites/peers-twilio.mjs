import { median, quantile, round } from '../lib/stats.mjs';

/**
 * The twilio SDK through @twilio-oauth/twilio against the stock SDK with a static credential,
 * both reaching the mock on loopback without interception, in one worker: alternating blocks of
 * `calls` sequential `messages.list` calls, each client holding its token (the bridge fetched
 * its one during the warm-up). Figures are medians over blocks; the ratio is the median of
 * per-pair ratios, quartiles beside it.
 */
export async function bridgeVsStockStatic(worker, mock, { blocks, calls }) {
  const ids = { stock: 'pair-twilio-stock', bridge: 'pair-twilio-bridge' };
  await worker.call('open', { id: ids.stock, peer: 'twilio-sdk-static' });
  await worker.call('open', { id: ids.bridge, peer: 'twilio-bridge' });
  try {
    // Warm both paths (connections, compiled code, the bridge's token) before timing anything.
    for (const id of Object.values(ids)) await worker.call('sequential', { id, calls });
    mock.reset();
    const ms = { stock: [], bridge: [] };
    for (let block = 0; block < blocks; block++) {
      // Alternating which goes first cancels any advantage of running second.
      const pair = block % 2 ? ['bridge', 'stock'] : ['stock', 'bridge'];
      for (const who of pair) {
        const { elapsedMs } = await worker.call('sequential', { id: ids[who], calls });
        ms[who].push(elapsedMs / calls);
      }
    }
    const ratios = ms.bridge.map((bridgeMs, i) => bridgeMs / ms.stock[i]);
    const { tokenRequests, rejectedApiRequests } = mock.stats();
    return {
      blocks,
      calls,
      stockMeanMs: round(median(ms.stock), 4),
      bridgeMeanMs: round(median(ms.bridge), 4),
      ratio: round(median(ratios), 3),
      ratioQuartiles: [round(quantile(ratios, 0.25), 3), round(quantile(ratios, 0.75), 3)],
      ratioOfMedians: round(median(ms.bridge) / median(ms.stock), 3),
      blocksMs: {
        stock: ms.stock.map((v) => round(v, 4)),
        bridge: ms.bridge.map((v) => round(v, 4)),
      },
      tokenRequests,
      rejectedApiRequests,
    };
  } finally {
    for (const id of Object.values(ids)) await worker.call('close', { id });
  }
}
