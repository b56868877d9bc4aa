import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECRET, startServer, type TestServer } from '../../test/token-server';
import { InvalidOptionsError, TokenRequestError } from '../errors';
import { TokenManager } from '../token-manager';
import type { TokenManagerOptions } from '../types';
import * as entry from './index';
import { adapterKernel, type KernelOptions } from './kernel';
import type { TokenFailure } from './token-failure';

let server: TestServer;
const managers: TokenManager[] = [];
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
  await server.close();
});

const options = (extra: Partial<TokenManagerOptions> = {}): TokenManagerOptions => ({
  clientId: 'OQkernel',
  clientSecret: SECRET,
  tokenUrl: server.tokenUrl,
  allowedHosts: ['127.0.0.1'],
  ...extra,
});
const own = (manager: TokenManager) => {
  managers.push(manager);
  return manager;
};
const plain: KernelOptions = { toHttpError: (failure) => failure, logger: false };

describe('the adapter entry', () => {
  it('exports one function; the pool ships from @twilio-oauth/core/pool only', () => {
    expect(Object.keys(entry)).toEqual(['adapterKernel']);
  });
});

describe('adapterKernel config', () => {
  it('validates options at once and closes only the manager it built', async () => {
    expect(() => adapterKernel(options({ timeoutMs: -1 }), plain)).toThrow(
      expect.objectContaining({ option: 'timeoutMs' }),
    );
    expect(() => adapterKernel(42 as unknown as TokenManagerOptions, plain)).toThrow(
      /Invalid option "options"/,
    );
    const built = adapterKernel<unknown>(options(), plain);
    expect(built.scope(undefined).handle).toBe(built.handle);
    await built.close();
    await expect(built.handle?.getToken()).rejects.toMatchObject({ codes: { code: 'closed' } });

    const shared = own(new TokenManager(options()));
    const kernel = adapterKernel({ manager: shared }, plain);
    expect(kernel.manager).toBe(shared);
    await kernel.close();
    expect((await shared.getToken()).accessToken).toBe('token-1');
  });

  it('refuses what is not a manager, and an option beside one, naming that option', () => {
    expect(() => adapterKernel({ manager: {} as TokenManager }, plain)).toThrow(
      new InvalidOptionsError('manager', 'must be a TokenManager'),
    );
    const lookAlike = { getToken() {}, fetch() {} } as unknown as TokenManager;
    expect(() => adapterKernel({ manager: lookAlike }, plain)).toThrow(/"manager"/);
    const manager = own(new TokenManager(options()));
    const mixed = { manager, clientSecret: SECRET } as unknown as TokenManagerOptions;
    expect(() => adapterKernel(mixed, plain)).toThrow(
      new InvalidOptionsError('clientSecret', 'cannot be combined with "manager"'),
    );
    // An option left undefined is not a second source of credentials.
    const undef = { manager, clientId: undefined } as unknown as TokenManagerOptions;
    expect(adapterKernel(undef, plain).manager).toBe(manager);
  });

  it('refuses a bad logger or sdkClient, naming the option', () => {
    expect(() => adapterKernel(options(), { ...plain, logger: {} as never })).toThrow(
      /Invalid option "logger"/,
    );
    expect(() => adapterKernel(options(), { ...plain, sdkClient: 'no' as never })).toThrow(
      /Invalid option "sdkClient"/,
    );
  });

  it('gives every factory its own pool, closed by close()', async () => {
    const factory = vi.fn((clientId: string) => options({ clientId }));
    const a = adapterKernel(factory, plain);
    const b = adapterKernel(factory, plain);
    expect(a.manager).toBeUndefined();
    expect(a.handle).toBeUndefined();
    const one = a.scope('one').handle;
    expect(factory).not.toHaveBeenCalled(); // lazy
    await one.getToken();
    await a.scope('one').handle.getToken();
    await b.scope('one').handle.getToken();
    expect(server.requests).toHaveLength(2); // one per kernel, shared within it
    await a.close();
    await expect(one.getToken()).rejects.toMatchObject({ codes: { code: 'closed' } });
    await expect(a.scope('one').handle.getToken()).rejects.toMatchObject({
      codes: { code: 'closed' },
    });
    await b.close();
  });
});

describe('the handle', () => {
  it('resolves the manager on first use only, once, and works detached', async () => {
    const factory = vi.fn(() => options());
    const kernel = adapterKernel<null>(factory, plain);
    const { getToken, getAuthorizationHeader, fetch } = kernel.scope(null).handle;
    expect(factory).not.toHaveBeenCalled();
    expect((await getToken()).accessToken).toBe('token-1');
    expect(await getAuthorizationHeader()).toBe('Bearer token-1');
    expect((await fetch(`${server.url}/api`)).status).toBe(200);
    expect(factory).toHaveBeenCalledTimes(1);
    await kernel.close();
  });

  it('rejects token failures with the framework error, anything else unchanged', async () => {
    server.onToken = () => ({
      status: 400,
      body: { code: 322402, message: 'Invalid client', status: 400, more_info: 'x' },
    });
    const toHttpError = vi.fn((failure: TokenFailure) => new Error(`mapped ${failure.status}`));
    const kernel = adapterKernel(options(), { toHttpError, logger: false });
    await expect(kernel.handle?.getToken()).rejects.toThrow('mapped 502');
    const failure = toHttpError.mock.calls.at(0)?.at(0);
    expect(failure).toMatchObject({ status: 502, codes: { twilioCode: 322402 } });
    expect(failure?.cause).toBeInstanceOf(TokenRequestError);
    expect(failure?.message).not.toContain(SECRET);

    const misconfigured = adapterKernel(
      () => {
        throw new InvalidOptionsError('clientSecret', 'must be a non-empty string');
      },
      { toHttpError, logger: false },
    );
    await expect(misconfigured.scope(undefined).handle.getToken()).rejects.toMatchObject({
      option: 'clientSecret',
    });
    expect(toHttpError).toHaveBeenCalledOnce();
    await kernel.close();
  });

  it("hands out a cached token as the manager's own resolved promise (nothing added per call)", async () => {
    const manager = own(new TokenManager(options()));
    const { handle } = adapterKernel({ manager }, plain).scope(undefined);
    await handle.getToken();
    expect(handle.getToken()).toBe(manager.getToken());
    // A refresh in flight (forced here) still goes through the mapper.
    server.onToken = () => ({ status: 401, body: { error: 'invalid_client' } });
    const mapped = new Error('mapped');
    const forced = adapterKernel({ manager }, { toHttpError: () => mapped, logger: false });
    await expect(forced.handle?.getToken({ forceRefresh: true })).rejects.toBe(mapped);
  });
});

describe('pending()', () => {
  it('is the work in flight on the manager this request used, and nothing before it used one', async () => {
    let release = () => {};
    server.onToken = (n) =>
      new Promise((resolve) => {
        release = () =>
          resolve({ body: { access_token: `token-${n}`, token_type: 'Bearer', expires_in: 3600 } });
      });
    const kernel = adapterKernel<string>((clientId) => options({ clientId }), plain);
    const scope = kernel.scope('OQa');
    expect(scope.pending()).toBeUndefined();
    const token = scope.handle.getToken();
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    const work = scope.pending();
    expect(work).toBeInstanceOf(Promise);
    // Another request that has not used its handle has nothing to keep alive.
    expect(kernel.scope('OQa').pending()).toBeUndefined();
    release();
    await token;
    await expect(work).resolves.toBeUndefined();
    expect(scope.pending()).toBeUndefined();
    await kernel.close();
  });

  it("is the one manager's work for a shared scope", async () => {
    const manager = own(new TokenManager(options()));
    const scope = adapterKernel({ manager }, plain).scope(undefined);
    const token = manager.getToken();
    expect(scope.pending()).toBeInstanceOf(Promise);
    await token;
    expect(scope.pending()).toBeUndefined();
  });
});

describe('sdkClient', () => {
  it('builds one client per manager, shared by every handle on it', async () => {
    const sdkClient = vi.fn((fetcher: { fetch: unknown }) => ({ fetcher }));
    const kernel = adapterKernel<string>((clientId) => options({ clientId }), {
      ...plain,
      sdkClient,
    });
    const first = kernel.scope('OQa').handle;
    await first.getToken();
    const second = kernel.scope('OQa').handle;
    await second.getToken();
    expect(first.client).toBe(second.client);
    const other = kernel.scope('OQb').handle;
    await other.getToken();
    expect(other.client).not.toBe(first.client);
    expect(sdkClient).toHaveBeenCalledTimes(2);
    await kernel.close();
  });

  it('with an async secret function: a client of its own until the manager resolves, then the shared one', async () => {
    const sdkClient = vi.fn((fetcher: { fetch(input: URL): Promise<Response> }) => ({ fetcher }));
    const kernel = adapterKernel<string>(() => options({ clientSecret: async () => SECRET }), {
      ...plain,
      sdkClient,
    });
    const early = kernel.scope('req-1').handle;
    // Asked before anything resolved its manager: a client of this request, working all the same.
    const own = early.client as { fetcher: { fetch(input: URL): Promise<Response> } };
    expect((await own.fetcher.fetch(new URL(`${server.url}/api`))).status).toBe(200);
    expect(server.requests).toHaveLength(1);
    // Once a handle has resolved its manager: the manager's one client, shared by later requests.
    const late = kernel.scope('req-2').handle;
    await late.getToken();
    const another = kernel.scope('req-3').handle;
    await another.getToken();
    expect(another.client).toBe(late.client);
    expect(server.requests).toHaveLength(1); // one manager, one token, whatever the closure
    expect(sdkClient).toHaveBeenCalledTimes(2);
    await kernel.close();
  });

  it("hands the factory the manager's fetch, token failures mapped", async () => {
    const mapped = new Error('mapped');
    let fetcher: { fetch(input: URL): Promise<Response> } | undefined;
    const manager = own(new TokenManager(options()));
    const kernel = adapterKernel(
      { manager },
      {
        toHttpError: () => mapped,
        logger: false,
        sdkClient: (f) => {
          fetcher = f;
          return {};
        },
      },
    );
    expect(kernel.handle?.client).toEqual({});
    await manager.close();
    await expect(fetcher?.fetch(new URL(`${server.url}/api`))).rejects.toBe(mapped);
  });

  it('without a factory, client names the option and where to get one', () => {
    const { handle } = adapterKernel({ manager: own(new TokenManager(options())) }, plain);
    expect(() => handle?.client).toThrow(InvalidOptionsError);
    expect(() => handle?.client).toThrow(/"sdkClient".*@twilio-oauth\/twilio/);
  });
});
