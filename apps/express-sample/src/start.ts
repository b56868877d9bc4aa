import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { createApp } from './app';
import type { OrgCredentials, SampleConfig } from './config';

/** A listening sample, with everything it started. */
export interface RunningSample {
  /** e.g. `http://127.0.0.1:3001`. */
  readonly url: string;
  /** Closes the HTTP server, the token manager and the mock server if one was started. */
  close(): Promise<void>;
}

/**
 * Starts the sample: with no credentials configured, the Twilio mock server
 * first (saying so through `log`), then the app on `config.host:config.port`.
 */
export async function startSample(
  config: SampleConfig,
  log: (line: string) => void,
): Promise<RunningSample> {
  let mock: MockServer | undefined;
  let organization = config.organization;
  if (config.credentials === undefined) {
    // An account app and an organization app of the mock's, so that /org/users works too.
    const hex = () => randomBytes(16).toString('hex');
    const secret = () => randomBytes(24).toString('base64url');
    const demoOrg: OrgCredentials = {
      clientId: `OQ${hex()}`,
      clientSecret: secret(),
      organizationSid: `OR${hex()}`,
    };
    mock = await startMockServer({
      host: '127.0.0.1',
      port: 0,
      clients: [{ clientId: `OQ${hex()}`, clientSecret: secret() }, demoOrg],
    });
    organization = demoOrg;
    log(
      `No TWILIO_CLIENT_ID / TWILIO_CLIENT_SECRET set: started the Twilio mock server at ${mock.url} with demo credentials (an account app and an organization app)`,
    );
  }
  const [demo] = mock?.clients ?? [];
  const credentials = config.credentials ?? demo;
  const accountSid = config.accountSid ?? mock?.accountSid;
  if (credentials === undefined || accountSid === undefined) {
    await mock?.close();
    throw new Error('TWILIO_CLIENT_ID, TWILIO_CLIENT_SECRET and TWILIO_ACCOUNT_SID are required');
  }
  const sample = createApp({
    ...credentials,
    accountSid,
    organization,
    tokenUrl: mock?.tokenUrl ?? config.tokenUrl,
    apiBaseUrl: mock?.apiBaseUrl ?? config.apiBaseUrl,
  });

  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = sample.app.listen(config.port, config.host);
      s.once('listening', () => resolve(s));
      s.once('error', reject);
    });
  } catch (error) {
    await Promise.all([sample.close(), mock?.close()]);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would otherwise hold close() open.
        server.closeAllConnections();
      });
      await Promise.all([sample.close(), mock?.close()]);
    },
  };
}
