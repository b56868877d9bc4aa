/**
 * A local emulator of Twilio's OAuth Token API, Messages API and Organizations API, with fault
 * injection, for offline tests. Start it with {@link startMockServer}; see the README for the CLI.
 *
 * @packageDocumentation
 */
export { startMockServer } from './server';
export type {
  Fault,
  Faults,
  MockClient,
  MockClientOptions,
  MockClientStats,
  MockMessage,
  MockOrgAccount,
  MockServer,
  MockServerOptions,
  MockStats,
  TokenErrorFormat,
} from './types';
