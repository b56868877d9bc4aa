import type { Twilio } from 'twilio';
import twilio from 'twilio';
import { resolveOptions, type TwilioClientOptions, type TwilioFetcher } from './options';
import { ManagerRequestClient } from './request-client';

/**
 * The official `twilio` SDK's client, with every request sent through `manager.fetch()`: one
 * cached token shared by all calls (single flight when cold, refreshed ahead of expiry), one
 * renewal and retry on a 401, the manager's `allowedHosts` checked before anything is sent.
 *
 * Build it once per manager and keep it, as you would keep the manager. The SDK's own
 * credentials are not used: no auth token, no `ClientCredentialProvider`, and the client holds
 * no secret or token (even with `TWILIO_AUTH_TOKEN` in the environment).
 *
 * Errors: token failures reject with the manager's `TokenRequestError` as it was thrown, a
 * refused host with `HostNotAllowedError` (nothing sent); API errors stay the SDK's
 * `RestException` (`status`, `code`, `moreInfo`), with the Organizations API's SCIM errors made
 * readable: `message` from their `detail`, `details.scimType` from their `scimType`.
 *
 * @param manager - a `TokenManager` (or any object with its `fetch`).
 * @param options - `accountSid` (needed for account resources; an organization app calling only
 * `client.previewIam` leaves it out) and the SDK client options that still apply; see
 * {@link TwilioClientOptions}.
 * @returns the SDK's `Twilio` client.
 * @throws {InvalidOptionsError} when the manager or an option is missing or wrong (named).
 *
 * @example
 * const manager = new TokenManager({ clientId, clientSecret });
 * const client = twilioClient(manager, { accountSid });
 * await client.messages.create({ to, from, body: 'Hello' });
 *
 * // an organization app: no account SID needed for the Organizations API
 * const org = twilioClient(orgManager, {});
 * await org.previewIam.organization(organizationSid).users.list();
 */
export function twilioClient(manager: TwilioFetcher, options: TwilioClientOptions): Twilio {
  const config = resolveOptions(manager, options);
  const client = new twilio.Twilio(undefined, undefined, {
    accountSid: config.accountSid,
    httpClient: new ManagerRequestClient(manager, config),
    userAgentExtensions: config.userAgentExtensions,
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(config.edge === undefined ? {} : { edge: config.edge }),
    ...(config.logLevel === undefined ? {} : { logLevel: config.logLevel }),
  });
  // A provider makes the SDK skip its username/password check and drops any basic credential it
  // read from the environment; it also clears the account SID, so that is set after it.
  client.setCredentialProvider(new twilio.NoAuthCredentialProvider());
  client.setAccountSid(config.accountSid);
  return client;
}

/**
 * A client factory for the adapters' `sdkClient` option: `(manager) => twilioClient(manager,
 * options)`, its options checked now. The adapter builds one client per manager, on first use.
 *
 * @throws {InvalidOptionsError} when an option is missing or wrong (named).
 * @example
 * app.use(twilioOAuth(config, { sdkClient: twilioClientFactory({ accountSid }) }));
 * app.post('/send', async (req, res) => res.json(await req.twilio.client.messages.create(msg)));
 */
export function twilioClientFactory(
  options: TwilioClientOptions,
): (manager: TwilioFetcher) => Twilio {
  resolveOptions({ fetch: () => Promise.reject(new Error('unused')) }, options);
  return (manager) => twilioClient(manager, options);
}
