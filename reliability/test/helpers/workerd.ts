// Hono on workerd, the runtime of Cloudflare Workers, as one more adapter of the suite:
// ./workerd-worker.ts bundled into one module (hono, the built adapter and core), the
// way wrangler ships a Worker, and run by miniflare without `nodejs_compat`. One isolate
// serves every scenario of a test file; each scenario is a run with a manager of its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TokenEvent, TokenManagerOptions } from '@twilio-oauth/core';
import { Miniflare } from 'miniflare';
import { bundleWorker } from '../../../scripts/bundle-worker.mjs';
import type { AdapterSetup, RunningAdapter } from './adapters';
import { ROUTES } from './routes';
import type { Drained } from './workerd-worker';

/** What the Worker reads from its bindings. */
export interface WorkerdBindings {
  readonly CLIENT_ID: string;
  readonly CLIENT_SECRET: string;
  readonly TOKEN_URL: string;
  readonly MESSAGES_URL: string;
}

/** The data options a run sends the Worker (functions stay in the test; the secret is a binding). */
const DATA_OPTIONS = [
  'timeoutMs',
  'retry',
  'expiryBufferSeconds',
  'refreshAheadSeconds',
  'allowedHosts',
] as const satisfies readonly (keyof TokenManagerOptions)[];

/** Longest wait for the isolate's exchanges to end (every fault of the suite ends sooner). */
const SETTLE_LIMIT_MS = 15_000;

export class WorkerdHost {
  /** Every access token the isolate's token requests got (read there, for leak checks). */
  readonly tokens = new Set<string>();
  #runs = 0;

  private constructor(
    readonly mf: Miniflare,
    readonly outDir: string,
  ) {}

  /** Bundles the Worker and starts workerd with these bindings. */
  static async start(bindings: WorkerdBindings): Promise<WorkerdHost> {
    const outDir = await mkdtemp(join(tmpdir(), 'reliability-workerd-'));
    try {
      await bundleWorker({
        entry: fileURLToPath(new URL('./workerd-worker.ts', import.meta.url)),
        outDir: outDir,
      });
      const mf = new Miniflare({
        modules: true,
        modulesRoot: outDir,
        scriptPath: join(outDir, 'worker.mjs'),
        compatibilityDate: '2025-09-01',
        bindings: { ...bindings },
      });
      await mf.ready;
      return new WorkerdHost(mf, outDir);
    } catch (error) {
      await rm(outDir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * A new run: a manager of its own in the isolate (a new credential key), driven with
   * `setup`'s data options and clock; its events reach `setup.options.onEvent` and its
   * errors `setup.hooks.error` when it settles and when it closes.
   */
  adapter(setup: AdapterSetup): RunningAdapter {
    const run = String(++this.#runs);
    const { options, hooks } = setup;
    const data: Record<string, unknown> = {};
    for (const name of DATA_OPTIONS) if (options[name] !== undefined) data[name] = options[name];
    const headers = () => ({
      'x-run': run,
      'x-clock-ms': String(options.now?.() ?? Date.now()),
      'x-options': JSON.stringify(data),
    });
    const dispatch = async (path: string, init: { method?: string; body?: string } = {}) => {
      const response = await this.mf.dispatchFetch(`http://reliability.test${path}`, {
        ...init,
        headers: { ...headers(), 'content-type': 'application/json' },
      });
      const body = await response.text();
      return { status: response.status, headers: Object.fromEntries([...response.headers]), body };
    };
    const drain = async (): Promise<Drained> => {
      const drained = JSON.parse((await dispatch('/__rel/drain')).body) as Drained;
      for (const token of drained.tokens) this.tokens.add(token);
      for (const event of drained.events) options.onEvent?.(event as unknown as TokenEvent);
      for (const error of drained.errors) hooks.error(error.where, error);
      return drained;
    };
    const gate = async (body: { count?: number; arrival?: string }) => {
      await dispatch('/__rel/gate', { method: 'POST', body: JSON.stringify(body) });
    };
    return {
      name: 'workerd',
      call: async (route) => {
        const { method, path } = ROUTES[route];
        const answer = await dispatch(`/call${path}`, { method });
        hooks.response('workerd', answer);
        return { status: answer.status, body: answer.body };
      },
      expectBurst: (count, arrival) => gate({ count, arrival }),
      clearBurst: () => gate({}),
      settle: async () => {
        // Polls: the isolate's refreshes outlive the requests that started them.
        const deadline = performance.now() + SETTLE_LIMIT_MS;
        for (let drained = await drain(); drained.exchangesInFlight > 0; drained = await drain()) {
          if (performance.now() > deadline) {
            throw new Error(
              `workerd: ${drained.exchangesInFlight} token exchange(s) still in flight after ${SETTLE_LIMIT_MS} ms`,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      },
      close: async () => {
        await drain();
      },
    };
  }

  async close(): Promise<void> {
    await this.mf.dispose();
    await rm(this.outDir, { recursive: true, force: true });
  }
}
