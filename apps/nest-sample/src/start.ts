import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { createApp } from './app';
import type { OrganizationApp, SampleConfig, TwilioSettings } from './config';

/** A listening sample, with everything it started. */
export interface RunningSample {
  /** e.g. `http://127.0.0.1:3003`. */
  readonly url: string;
  /** Closes the app (HTTP server, then the token manager) and the mock server if it started one. */
  close(): Promise<void>;
}

/**
 * Starts the sample on `config.host:config.port`. Without client credentials it first starts
 * the Twilio mock server with generated demo credentials, and says so through `log`.
 */
export async function startSample(
  config: SampleConfig,
  log: (line: string) => void,
): Promise<RunningSample> {
  let mock: MockServer | undefined;
  let twilio: TwilioSettings;
  if (config.clientId === undefined || config.clientSecret === undefined) {
    // An account app and an organization app of the mock's, so that /org/users works too.
    const id = () => `OQ${randomBytes(16).toString('hex')}`;
    const secret = () => randomBytes(24).toString('base64url');
    const organization: OrganizationApp = {
      clientId: id(),
      clientSecret: secret(),
      organizationSid: `OR${randomBytes(16).toString('hex')}`,
    };
    const demo = { clientId: id(), clientSecret: secret() };
    mock = await startMockServer({ host: '127.0.0.1', port: 0, clients: [demo, organization] });
    twilio = {
      ...demo,
      accountSid: mock.accountSid,
      tokenUrl: mock.tokenUrl,
      apiBaseUrl: mock.apiBaseUrl,
      organization,
    };
    log(
      `nest-sample: TWILIO_CLIENT_ID / TWILIO_CLIENT_SECRET not set, started the Twilio mock server at ${mock.url} with demo credentials (an account app and an organization app)`,
    );
  } else {
    if (config.accountSid === undefined) throw new Error('TWILIO_ACCOUNT_SID is not set');
    twilio = {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      accountSid: config.accountSid,
      tokenUrl: config.tokenUrl,
      apiBaseUrl: config.apiBaseUrl,
      organization: config.organization,
    };
  }

  try {
    const app = await createApp(twilio);
    try {
      await app.listen(config.port, config.host);
    } catch (error) {
      await app.close();
      throw error;
    }
    const { port } = app.getHttpServer().address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      url: `http://${host}:${port}`,
      async close() {
        await app.close();
        await mock?.close();
      },
    };
  } catch (error) {
    await mock?.close();
    throw error;
  }
}
