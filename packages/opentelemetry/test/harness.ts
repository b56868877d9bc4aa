// A mock Twilio and a fresh in-memory SDK per test, with managers wired to the telemetry.
import { TokenManager, type TokenManagerOptions } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { twilioOAuthTelemetry } from '../src/telemetry';
import { type Sdk, startSdk } from './otel';

/** Token lifetime the mock server issues, seconds. */
export const TTL_S = 600;

export interface Harness {
  readonly server: MockServer;
  readonly sdk: Sdk;
  /** The mock's i-th OAuth client. */
  client(i?: number): { clientId: string; clientSecret: string };
  /** A manager on client i, with the telemetry unless `options.onEvent` replaces it; closed after the test. */
  manager(options?: Partial<TokenManagerOptions>, i?: number): TokenManager;
}

/** Registers the hooks of the calling test file. */
export function useHarness(): Harness {
  let server: MockServer | undefined;
  let sdk: Sdk | undefined;
  const managers: TokenManager[] = [];
  beforeAll(async () => {
    server = await startMockServer({
      tokenTtlSeconds: TTL_S,
      clients: [
        { clientId: 'OQ-tenant-a', clientSecret: 'secret-of-tenant-a-1234' },
        { clientId: 'OQ-tenant-b', clientSecret: 'secret-of-tenant-b-5678' },
      ],
    });
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    server?.reset();
    sdk = startSdk();
  });
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.close()));
    await sdk?.shutdown();
  });
  const harness: Harness = {
    get server() {
      if (!server) throw new Error('no mock server outside a test');
      return server;
    },
    get sdk() {
      if (!sdk) throw new Error('no SDK outside a test');
      return sdk;
    },
    client: (i = 0) => harness.server.clients[i] as { clientId: string; clientSecret: string },
    manager(options = {}, i = 0) {
      const m = new TokenManager({
        ...harness.client(i),
        tokenUrl: harness.server.tokenUrl,
        retry: { baseDelayMs: 1, maxDelayMs: 2 },
        onEvent: twilioOAuthTelemetry({
          meterProvider: harness.sdk.meterProvider,
          tracerProvider: harness.sdk.tracerProvider,
        }),
        ...options,
      });
      managers.push(m);
      return m;
    },
  };
  return harness;
}
