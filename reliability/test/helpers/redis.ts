// Real Redis for the suite. Garbage values go to the shared server at REDIS_URL
// (under a key prefix of their own); outages use a private redis-server child
// on a free port, so the shared server is never stopped.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const REQUIRED = process.env.REDIS_REQUIRED === '1';

function unavailable(what: string): false {
  if (REQUIRED) throw new Error(`REDIS_REQUIRED=1 but ${what}`);
  console.warn(`reliability: Redis checks not run: ${what}`);
  return false;
}

/** Whether the shared Redis answers PING (throws under REDIS_REQUIRED=1 when it does not). */
export async function sharedRedisAvailable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return unavailable(`nothing answers at ${REDIS_URL}`);
  } finally {
    probe.disconnect();
  }
}

/** Whether a private redis-server can be started (throws under REDIS_REQUIRED=1 when not). */
export function redisServerAvailable(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.status === 0 || unavailable('redis-server is not on PATH');
}

/** A key prefix that no other run uses. */
export const uniquePrefix = (): string => `twilio-oauth-reliability:${randomUUID().slice(0, 8)}:`;

/** The token key the Redis store uses for a credential key, as its README documents it. */
export function tokenKeyOf(prefix: string, credentialKey: string): string {
  const hash = createHash('sha256').update(credentialKey).digest().subarray(0, 16).toString('hex');
  return `${prefix}{${hash}}:token`;
}

export const lockKeyOf = (prefix: string, credentialKey: string): string =>
  tokenKeyOf(prefix, credentialKey).replace(/:token$/, ':lock');

/**
 * A client with ioredis' default options (as an application would create it), whose
 * connection errors, expected while a test has stopped Redis, are not fatal.
 */
export function redisClient(url: string): Redis {
  const client = new Redis(url);
  client.on('error', () => {});
  return client;
}

export async function ready(client: Redis): Promise<void> {
  if (client.status !== 'ready') await once(client, 'ready');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

/** A private redis-server without persistence, which the test may stop and start again. */
export interface PrivateRedis {
  readonly url: string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again, empty, on the same port. */
  start(): Promise<void>;
  /** Stops it for good. */
  dispose(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  // A crashed test run must not leave our server behind.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          proc.stdout?.off('data', onData);
          proc.stdout?.resume();
          proc.off('exit', onExit);
          resolve();
        }
      };
      const onExit = (code: number | null) => reject(new Error(`redis-server exited (${code})`));
      proc.stdout?.on('data', onData);
      proc.once('exit', onExit);
    });
  };

  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    dispose: async () => {
      await stop();
      process.off('exit', killOnExit);
    },
  };
}
