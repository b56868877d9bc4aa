// Tracks timers created by the core's own source, so a test can assert that
// none is left behind (process.getActiveResourcesInfo() also sees Vitest's own
// timers, which come and go while a test runs).
import { createHook } from 'node:async_hooks';

export function trackCoreTimers() {
  const live = new Map<number, { ref: boolean; where: string }>();
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type !== 'Timeout') return;
      const stack = new Error().stack ?? '';
      const where = stack.split('\n').find((line) => line.includes('/packages/core/src/'));
      if (!where || where.includes('.test.ts')) return;
      const timer = resource as { hasRef(): boolean };
      live.set(id, { ref: timer.hasRef(), where: where.trim() });
      Object.defineProperty(live.get(id), 'ref', { get: () => timer.hasRef() });
    },
    destroy(id) {
      live.delete(id);
    },
  });
  hook.enable();
  return {
    /** Core timers not yet fired or cleared. Waits a turn so destroy hooks have run. */
    async pending() {
      await new Promise((resolve) => setImmediate(resolve));
      return [...live.values()];
    },
    stop() {
      hook.disable();
    },
  };
}
