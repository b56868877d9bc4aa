import type { MockClientStats, MockStats } from './types';

interface ClientCounters {
  tokenRequests: number;
  tokensIssued: number;
  apiRequests: number;
  organizationsRequests: number;
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
  #organizationsRequests = 0;
  #rejectedOrganizationsRequests = 0;
  readonly #byClient = new Map<string, ClientCounters>();

  constructor(private readonly clientIds: readonly string[]) {
    this.reset();
  }

  /** Adds one to a configured client's counter (unknown or absent ids count nowhere). */
  #bump(clientId: string | undefined, counter: keyof ClientCounters): void {
    const client = clientId === undefined ? undefined : this.#byClient.get(clientId);
    if (client) client[counter] += 1;
  }

  tokenRequest(clientId: string | undefined): void {
    this.#tokenRequests += 1;
    this.#bump(clientId, 'tokenRequests');
  }

  tokenIssued(clientId: string): void {
    this.#tokensIssued += 1;
    this.#bump(clientId, 'tokensIssued');
  }

  apiRequest(clientId: string | undefined): void {
    this.#apiRequests += 1;
    this.#bump(clientId, 'apiRequests');
  }

  apiRejected(): void {
    this.#rejectedApiRequests += 1;
  }

  organizationsRequest(clientId: string | undefined): void {
    this.#organizationsRequests += 1;
    this.#bump(clientId, 'organizationsRequests');
  }

  organizationsRejected(): void {
    this.#rejectedOrganizationsRequests += 1;
  }

  snapshot(): MockStats {
    const byClient: Record<string, MockClientStats> = {};
    for (const [clientId, counters] of this.#byClient) byClient[clientId] = { ...counters };
    return {
      tokenRequests: this.#tokenRequests,
      tokensIssued: this.#tokensIssued,
      apiRequests: this.#apiRequests,
      rejectedApiRequests: this.#rejectedApiRequests,
      organizationsRequests: this.#organizationsRequests,
      rejectedOrganizationsRequests: this.#rejectedOrganizationsRequests,
      byClient,
    };
  }

  reset(): void {
    this.#tokenRequests = 0;
    this.#tokensIssued = 0;
    this.#apiRequests = 0;
    this.#rejectedApiRequests = 0;
    this.#organizationsRequests = 0;
    this.#rejectedOrganizationsRequests = 0;
    for (const clientId of this.clientIds) {
      this.#byClient.set(clientId, {
        tokenRequests: 0,
        tokensIssued: 0,
        apiRequests: 0,
        organizationsRequests: 0,
      });
    }
  }
}
