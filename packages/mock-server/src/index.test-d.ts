import { describe, expectTypeOf, it } from 'vitest';
import {
  type Fault,
  type Faults,
  type MockClient,
  type MockClientOptions,
  type MockOrgAccount,
  type MockServer,
  type MockServerOptions,
  type MockStats,
  startMockServer,
} from './index';

describe('public types', () => {
  it('startMockServer takes optional options and resolves a MockServer', () => {
    expectTypeOf(startMockServer).parameter(0).toEqualTypeOf<MockServerOptions | undefined>();
    expectTypeOf(startMockServer).returns.resolves.toEqualTypeOf<MockServer>();
  });

  it('MockServer exposes URLs, credentials and controls', () => {
    expectTypeOf<MockServer['tokenUrl']>().toEqualTypeOf<string>();
    expectTypeOf<MockServer['clients']>().toEqualTypeOf<readonly [MockClient, ...MockClient[]]>();
    expectTypeOf<MockServer['clients'][0]>().toEqualTypeOf<MockClient>();
    expectTypeOf<MockServer['stats']>().returns.toEqualTypeOf<MockStats>();
    expectTypeOf<MockServer['setFaults']>().parameter(0).toEqualTypeOf<Faults>();
    expectTypeOf<MockServer['close']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<MockServer>().toExtend<AsyncDisposable>();
    expectTypeOf<MockServer['clientOptions']>().returns.toEqualTypeOf<MockClientOptions>();
    expectTypeOf<MockClientOptions>().toExtend<{
      clientId: string;
      clientSecret: string;
      tokenUrl: string;
      allowedHosts: readonly string[];
    }>();
    expectTypeOf<MockServerOptions['tokenErrorFormat']>().toEqualTypeOf<
      'twilio' | 'oauth' | undefined
    >();
  });

  it('Fault fields have the documented types', () => {
    expectTypeOf<Fault['expiresIn']>().toEqualTypeOf<number | string | null | undefined>();
    expectTypeOf<Fault['status']>().toEqualTypeOf<number | undefined>();
    // @ts-expect-error faults target only the token endpoint and the API
    const bad: Faults = { admin: {} };
    void bad;
  });

  it('MockServerOptions are all optional', () => {
    expectTypeOf<Record<string, never>>().toExtend<MockServerOptions>();
    expectTypeOf<MockStats['byClient'][string]>().toEqualTypeOf<{
      readonly tokenRequests: number;
      readonly tokensIssued: number;
      readonly apiRequests: number;
      readonly organizationsRequests: number;
    }>();
  });

  it('a client may be an organization app', () => {
    expectTypeOf<MockClient['organizationSid']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<
      ReturnType<MockServer['addOrganizationAccount']>
    >().toEqualTypeOf<MockOrgAccount>();
  });
});
