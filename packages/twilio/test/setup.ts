// One mock Twilio per test file, and a fresh manager + SDK client per test.
import { TokenManager, type TokenManagerOptions } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import type { Twilio } from 'twilio';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type TwilioClientOptions, twilioClient } from '../src/index';

/** What a test gets: the mock, a manager bound to it, the SDK client through it. */
export interface Harness {
  server: MockServer;
  manager: TokenManager;
  client: Twilio;
  /** Another manager and client on the same mock, with extra options. */
  make(
    managerOptions?: Partial<TokenManagerOptions>,
    clientOptions?: Partial<TwilioClientOptions>,
  ): { manager: TokenManager; client: Twilio };
}

export const TO = '+15005550006';
export const FROM = '+15005550001';

/** Registers the hooks; the returned object is filled before each test. */
export function useHarness(): Harness {
  const managers: TokenManager[] = [];
  const h = {} as Harness;
  beforeAll(async () => {
    h.server = await startMockServer();
  });
  afterAll(() => h.server.close());
  beforeEach(() => {
    h.server.reset();
    h.make = (managerOptions = {}, clientOptions = {}) => {
      const manager = new TokenManager({ ...h.server.clientOptions(), ...managerOptions });
      managers.push(manager);
      const client = twilioClient(manager, {
        accountSid: h.server.accountSid,
        apiBaseUrl: h.server.apiBaseUrl,
        ...clientOptions,
      });
      return { manager, client };
    };
    Object.assign(h, h.make());
  });
  afterEach(async () => {
    h.server.setFaults({});
    await Promise.all(managers.splice(0).map((m) => m.close()));
  });
  return h;
}
