import { createHook } from 'node:async_hooks';

/** Counts of `process.getActiveResourcesInfo()` by type (`Timeout`, `TCPSocketWrap`, …). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Types whose count in `after` exceeds the one in `before`, with both counts. */
export function grownResources(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, string> {
  const grown: Record<string, string> = {};
  for (const [type, count] of Object.entries(after)) {
    if (count > (before[type] ?? 0)) grown[type] = `${before[type] ?? 0} → ${count}`;
  }
  return grown;
}

// Our packages as Node loads them: the built files of packages/* (through the workspace links).
const OURS = /[\\/]packages[\\/](core|express|hono|nestjs|redis)[\\/]dist[\\/]/;

/**
 * Follows every timer our packages create, unref'd ones included (which
 * getActiveResourcesInfo() does not list), until it fires or is cleared.
 */
export function trackOurTimers() {
  const live = new Map<number, string>();
  let created = 0;
  const hook = createHook({
    init(asyncId, type) {
      if (type !== 'Timeout') return;
      const frame = (new Error().stack ?? '').split('\n').find((line) => OURS.test(line));
      if (frame === undefined) return;
      created += 1;
      live.set(asyncId, frame.trim());
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  hook.enable();
  return {
    /** Where each timer still alive was created. */
    live: () => [...live.values()],
    /** How many timers our packages created while tracked. */
    created: () => created,
    stop: () => hook.disable(),
  };
}

/**
 * Retries `check` (after a short pause: sockets close a few turns after their peer)
 * until it passes or `timeoutMs` is spent. Unlike vi.waitFor it runs `check` when no
 * timer of its own is pending, so the counts it reads are not inflated by the waiting.
 */
export async function eventually(check: () => void, timeoutMs = 3_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    try {
      check();
      return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
    }
  }
}
