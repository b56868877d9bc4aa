import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MockServer } from '@twilio-oauth/mock-server';
import { Miniflare } from 'miniflare';
import { bundleWorker as bundle } from '../../../scripts/bundle-worker.mjs';

export const CLIENT = { clientId: 'OQfleet', clientSecret: 'fleet-secret-3c91f0' };

/** Bundles test/fixtures/worker.mjs (hono, the built adapter and this package) into one module. */
export async function bundleWorker(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'twilio-oauth-cloudflare-'));
  await bundle({
    entry: fileURLToPath(new URL('./fixtures/worker.mjs', import.meta.url)),
    outDir: dir,
  });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface FleetOptions {
  /** Isolates (Worker scripts, each with its own module memory). Default 2. */
  readonly isolates?: number;
  /** The Durable Object class bound as TWILIO_TOKENS. Default `TwilioTokenBroker`. */
  readonly className?: string;
  /** Without a store: each isolate on its own (for comparisons). */
  readonly noStore?: boolean;
  /** A directory that keeps the objects' storage across restarts. */
  readonly persistDir?: string;
  readonly bindings?: Record<string, string>;
}

/** Worker scripts `w0`, `w1`, … running one bundle; `w0` hosts the Durable Object class. */
export class Fleet {
  readonly #mf: Miniflare;
  readonly names: readonly string[];

  constructor(bundleDir: string, server: MockServer, options: FleetOptions = {}) {
    const { isolates = 2, className = 'TwilioTokenBroker' } = options;
    this.names = Array.from({ length: isolates }, (_, i) => `w${i}`);
    this.#mf = new Miniflare({
      durableObjectsPersist: options.persistDir ?? false,
      workers: this.names.map((name, i) => ({
        name,
        modules: true,
        modulesRoot: bundleDir,
        scriptPath: join(bundleDir, 'worker.mjs'),
        compatibilityDate: '2025-09-01',
        bindings: {
          CLIENT_ID: CLIENT.clientId,
          CLIENT_SECRET: CLIENT.clientSecret,
          TOKEN_URL: server.tokenUrl,
          API_BASE_URL: server.apiBaseUrl,
          ACCOUNT_SID: server.accountSid,
          ...options.bindings,
        },
        durableObjects: options.noStore
          ? {}
          : {
              TWILIO_TOKENS: {
                className,
                useSQLite: true,
                ...(i === 0 ? {} : { scriptName: 'w0' }),
              },
            },
      })),
    });
  }

  ready(): Promise<unknown> {
    return this.#mf.ready;
  }

  /** A request to isolate `index` (modulo the fleet size). */
  async request(index: number, path: string, init?: RequestInit): Promise<Response> {
    const worker = await this.#mf.getWorker(this.names[index % this.names.length]);
    return (await worker.fetch(`http://fleet.test${path}`, init as never)) as unknown as Response;
  }

  /** JSON of a request that must answer 200. */
  async json<T>(index: number, path: string, init?: RequestInit): Promise<T> {
    const response = await this.request(index, path, init);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /** Moves every isolate's clock to `Date.now() + offsetMs`. */
  async moveClocks(offsetMs: number): Promise<void> {
    await Promise.all(
      this.names.map((_, i) => this.json(i, `/clock?offsetMs=${offsetMs}`, { method: 'POST' })),
    );
  }

  #disposed: Promise<void> | undefined;

  /** Stops workerd (idempotent): the isolates' memory is gone, persisted storage stays. */
  dispose(): Promise<void> {
    this.#disposed ??= this.#mf.dispose();
    return this.#disposed;
  }
}

export type TokenAnswer = { fingerprint: string; expiresAt: number };
