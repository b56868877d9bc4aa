import type { MockClientStats, MockStats } from './types.js';

interface ClientCounters {
  tokenRequests: number;
  tokensIssued: number;
  apiRequests: number;
}

/**
 * Request counters. Only configured client ids get a `byClient` entry, so a caller sending
 * random ids cannot grow the map.
 */
export class StatsCounter {
  #tokenRequests = 0;
  #tokensIssued = 0;
  #apiRequests = 0;
  #rejectedApiRequests = 0;
  readonly #byClient = new Map<string, ClientCounters>();

  constructor(private readonly clientIds: readonly string[]) {
    this.reset();
  }

  tokenRequest(clientId: string | undefined): void {
    this.#tokenRequests += 1;
    const client = clientId === undefined ? undefined : this.#byClient.get(clientId);
    if (client) client.tokenRequests += 1;
  }

  tokenIssued(clientId: string): void {
    this.#tokensIssued += 1;
    const client = this.#byClient.get(clientId);
    if (client) client.tokensIssued += 1;
  }

  apiRequest(clientId: string | undefined): void {
    this.#apiRequests += 1;
    const client = clientId === undefined ? undefined : this.#byClient.get(clientId);
    if (client) client.apiRequests += 1;
  }

  apiRejected(): void {
    this.#rejectedApiRequests += 1;
  }

  snapshot(): MockStats {
    const byClient: Record<string, MockClientStats> = {};
    for (const [clientId, counters] of this.#byClient) byClient[clientId] = { ...counters };
    return {
      tokenRequests: this.#tokenRequests,
      tokensIssued: this.#tokensIssued,
      apiRequests: this.#apiRequests,
      rejectedApiRequests: this.#rejectedApiRequests,
      byClient,
    };
  }

  reset(): void {
    this.#tokenRequests = 0;
    this.#tokensIssued = 0;
    this.#apiRequests = 0;
    this.#rejectedApiRequests = 0;
    for (const clientId of this.clientIds) {
      this.#byClient.set(clientId, { tokenRequests: 0, tokensIssued: 0, apiRequests: 0 });
    }
  }
}
