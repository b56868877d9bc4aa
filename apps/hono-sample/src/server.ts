import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { type AppConfig, createApp } from './app';
import type { SampleConfig } from './config';

/** A listening sample and everything it started. */
export interface RunningSample {
  /** e.g. `http://127.0.0.1:3002`. */
  readonly url: string;
  /** Closes the HTTP server, the token manager and the mock server if one was started. */
  close(): Promise<void>;
}

/**
 * Starts the sample on Node: with no credentials configured, the local Twilio mock
 * server first (announced through `log`), then the app on `config.host:config.port`.
 */
export async function startSample(
  config: SampleConfig,
  log: (line: string) => void,
  overrides: Pick<AppConfig, 'managerOptions' | 'logError'> = {},
): Promise<RunningSample> {
  let mock: MockServer | undefined;
  if (!config.credentials) {
    mock = await startMockServer({ host: '127.0.0.1', port: 0 });
    log(
      `hono-sample: no TWILIO_CLIENT_ID / TWILIO_CLIENT_SECRET set, started the local Twilio mock server at ${mock.url} with demo credentials`,
    );
  }
  let sample: ReturnType<typeof createApp> | undefined;
  try {
    const [demoClient] = mock?.clients ?? [];
    const credentials = config.credentials ?? demoClient;
    const accountSid = config.accountSid ?? mock?.accountSid;
    if (!credentials || !accountSid) throw new Error('Twilio credentials are not configured');
    sample = createApp({
      ...overrides,
      ...credentials,
      accountSid,
      tokenUrl: mock?.tokenUrl ?? config.tokenUrl,
      apiBaseUrl: mock?.apiBaseUrl ?? config.apiBaseUrl,
    });
    const app = sample.app;
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const listening = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
        resolve(listening),
      );
      listening.once('error', reject);
    });
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    const started = sample;
    return {
      url: `http://${host}:${port}`,
      close: async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Idle keep-alive connections would otherwise hold close() open.
          if ('closeAllConnections' in server) server.closeAllConnections();
        });
        await Promise.all([started.close(), mock?.close()]);
      },
    };
  } catch (error) {
    await Promise.all([sample?.close(), mock?.close()]);
    throw error;
  }
}
