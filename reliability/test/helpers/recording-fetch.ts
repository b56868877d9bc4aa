// A `fetch` for the managers under test: real HTTP through the global fetch,
// plus two things a test needs and cannot get from outside:
// - the set of access tokens the token endpoint handed out (for leak checks);
// - a gate that holds token requests until a given number of callers have
//   reached the manager (or sent their API request), so a "burst" of HTTP
//   requests is a real concurrent burst even when the requests arrive over
//   separate sockets.

/**
 * Where a caller counts as arrived: in the route handler, before it uses the
 * token handle (`handler`), or when its request to the API is sent (`api`; the
 * API's answers are then held until every caller has sent).
 */
export type Arrival = 'handler' | 'api';

/**
 * Counts callers and releases token requests once `expected` of them have arrived. Each
 * waiter makes its own promise (on workerd a promise belongs to the request that made it,
 * and one made by a finished request never resolves its continuations).
 */
export class Gate {
  #arrived = 0;
  #expected = 0;
  #counts: Arrival = 'handler';
  #waiters: (() => void)[] = [];

  /** Holds token requests until `count` callers have arrived (counted at `counts`). */
  expect(count: number, counts: Arrival = 'handler'): void {
    this.#arrived = 0;
    this.#expected = count;
    this.#counts = counts;
  }

  arrive(at: Arrival): void {
    if (at !== this.#counts) return;
    this.#arrived += 1;
    if (this.#arrived >= this.#expected) this.#release();
  }

  /** Lets everything through again. */
  clear(): void {
    this.#expected = 0;
    this.#release();
  }

  wait(): Promise<void> {
    if (this.#arrived >= this.#expected) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Whether answers of the API wait for the gate too. */
  get holdsApi(): boolean {
    return this.#counts === 'api' && this.#expected > 0;
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}

export interface RecordingFetch {
  readonly fetch: typeof globalThis.fetch;
  /** Every `access_token` the token endpoint answered with (read from a clone of the answer). */
  readonly tokens: ReadonlySet<string>;
  readonly gate: Gate;
  /** Waits until every token answer seen so far has been read. */
  flush(): Promise<void>;
}

/**
 * @param options.readFirst - read the token answer's copy before handing the answer
 *   over (workerd: a read left running may outlive the request and be cancelled).
 */
export function recordingFetch(
  tokenUrl: string,
  options: { readFirst?: boolean } = {},
): RecordingFetch {
  const tokens = new Set<string>();
  const reads = new Set<Promise<void>>();
  const gate = new Gate();
  const record = (response: Response): Promise<void> => {
    const read = response
      .text()
      .then((text) => {
        const body: unknown = JSON.parse(text);
        const token = (body as { access_token?: unknown } | null)?.access_token;
        if (typeof token === 'string' && token !== '') tokens.add(token);
      })
      // Truncated, non-JSON or aborted answers hold no complete token.
      .catch(() => {})
      .finally(() => reads.delete(read));
    reads.add(read);
    return read;
  };
  const fetchImpl: typeof globalThis.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const isToken = url === tokenUrl;
    if (isToken) {
      await gate.wait();
      const response = await globalThis.fetch(input, init);
      const read = record(response.clone());
      if (options.readFirst) await read;
      return response;
    }
    gate.arrive('api');
    const outcome = globalThis.fetch(input, init);
    if (gate.holdsApi) await Promise.allSettled([outcome, gate.wait()]);
    return outcome;
  };
  return {
    fetch: fetchImpl,
    tokens,
    gate,
    flush: async () => {
      while (reads.size > 0) await Promise.all(reads);
    },
  };
}
