// The README's shutdown, per client, with Redis gone: it finishes within its
// one-second bound and the process then exits by itself (a plain `quit()` never
// returns, and a reconnecting client keeps a process alive).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { redisServerAvailable, startOwnRedis } from './helpers/redis';

const available = redisServerAvailable();
const FIXTURE = fileURLToPath(new URL('./fixtures/shutdown.mjs', import.meta.url));

describe.skipIf(!available)('the README’s bounded shutdown, with Redis down', () => {
  // One child process per client, side by side.
  it.concurrent.for(['ioredis', 'iovalkey', 'node-redis-5', 'node-redis-6'])(
    '%s: closes within 1 s and lets the process exit',
    async (kind, { expect }) => {
      const redis = await startOwnRedis();
      const child = fork(FIXTURE, [kind, redis.url], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const exited = once(child, 'exit');
      try {
        expect((await once(child, 'message'))[0]).toBe('ready');
        await redis.dispose();
        const started = performance.now();
        child.send('shut down');
        const [report] = await once(child, 'message');
        expect(String(report)).toMatch(/^closed in \d+ ms$/);
        // Nothing left running: no reconnect timer, no socket.
        const [code] = await Promise.race([
          exited,
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error(`${kind}: the process did not exit`)), 5_000),
          ),
        ]);
        expect(code).toBe(0);
        expect(performance.now() - started).toBeLessThan(3_000);
      } finally {
        child.kill('SIGKILL');
        await redis.dispose();
      }
    },
  );
});
