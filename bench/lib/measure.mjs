import { Bench } from 'tinybench';
import { median } from './stats.mjs';

/**
 * Nanoseconds per operation of each `loops[name](n)` (a function awaiting the
 * operation `n` times in a row), measured with tinybench. A loop runs `batch`
 * operations per sample so that the timer's own cost (tens of ns) does not
 * swamp operations that cost about as much; tasks run in the same process and
 * round, in turn, and each figure is the median over `rounds` rounds of the
 * per-round median sample.
 *
 * @returns {Promise<Record<string, { nsPerOp: number, opsPerSec: number, roundsNs: number[] }>>}
 */
export async function nsPerOp(loops, { rounds = 5, timeMs = 500, batch = 1_000 } = {}) {
  const names = Object.keys(loops);
  const perRound = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: timeMs, warmupTime: Math.max(50, timeMs / 4), throws: true });
    // Rotating the order spreads any drift (thermal, other processes) over every task.
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) bench.add(name, () => loops[name](batch));
    await bench.run();
    for (const task of bench.tasks) {
      const { result } = task;
      if (result.state !== 'completed') {
        throw new Error(`benchmark "${task.name}" ${result.state}: ${result.error?.message ?? ''}`);
      }
      perRound[task.name].push((result.latency.p50 * 1e6) / batch);
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const ns = median(perRound[name]);
      return [name, { nsPerOp: ns, opsPerSec: 1e9 / ns, roundsNs: perRound[name] }];
    }),
  );
}

/**
 * Median over rounds of `a`'s ns/op divided by `b`'s in the same round: runs of
 * one round are close in time, so the machine's changing speed cancels out.
 */
export function pairedRatio(a, b) {
  return median(a.roundsNs.map((ns, i) => ns / b.roundsNs[i]));
}
