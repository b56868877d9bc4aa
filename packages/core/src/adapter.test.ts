import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECRET, startServer, type TestServer } from '../test/token-server';
import {
  clientsPerManager,
  createTokenHandle,
  isSharedManagerOptions,
  isTokenManager,
  managerSource,
  pendingWork,
  staticManager,
} from './adapter';
import { InvalidOptionsError, TokenRequestError } from './errors';
import { TokenManager } from './token-manager';
import type { TokenManagerOptions } from './types';

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

describe('isTokenManager', () => {
  it('accepts a manager and refuses look-alikes', () => {
    expect(isTokenManager(own(new TokenManager(options())))).toBe(true);
    expect(isTokenManager({})).toBe(false);
    expect(isTokenManager(null)).toBe(false);
    expect(isTokenManager({ getToken() {}, fetch() {} })).toBe(false);
  });
});

describe('staticManager', () => {
  it('builds an owned manager from options and shares a given one', () => {
    const built = staticManager(options());
    own(built.manager);
    expect(built.owned).toBe(true);
    const shared = own(new TokenManager(options()));
    expect(staticManager({ manager: shared })).toEqual({ manager: shared, owned: false });
    expect(isSharedManagerOptions({ manager: shared })).toBe(true);
    expect(isSharedManagerOptions(options())).toBe(false);
  });

  it('refuses what is not a manager with one message', () => {
    expect(() => staticManager({ manager: {} as TokenManager })).toThrow(
      new InvalidOptionsError('manager', 'must be a TokenManager'),
    );
    expect(() => staticManager(undefined as unknown as TokenManagerOptions)).toThrow(
      expect.objectContaining({ option: 'options' }),
    );
  });

  it('refuses a manager mixed with options, naming manager or the other option', () => {
    const manager = own(new TokenManager(options()));
    const mixed = { manager, clientSecret: SECRET } as unknown as TokenManagerOptions;
    expect(() => staticManager(mixed)).toThrow(
      new InvalidOptionsError('manager', 'cannot be combined with "clientSecret"'),
    );
    expect(() => staticManager(mixed, { blame: 'other' })).toThrow(
      expect.objectContaining({ option: 'clientSecret' }),
    );
    // An option left undefined is not a second source of credentials.
    const undef = { manager, clientId: undefined } as unknown as TokenManagerOptions;
    expect(staticManager(undef).manager).toBe(manager);
  });
});

describe('managerSource', () => {
  it('validates static options at once and closes only the manager it built', async () => {
    expect(() => managerSource(options({ timeoutMs: -1 }))).toThrow(
      expect.objectContaining({ option: 'timeoutMs' }),
    );
    expect(() => managerSource(42 as unknown as TokenManagerOptions)).toThrow(
      /Invalid option "options"/,
    );
    const built = managerSource<unknown>(options());
    expect(built.managerFor(undefined)).toBe(built.manager);
    await built.close();
    await expect(built.manager?.getToken()).rejects.toMatchObject({ code: 'closed' });

    const shared = own(new TokenManager(options()));
    const source = managerSource({ manager: shared });
    await source.close();
    expect((await shared.getToken()).accessToken).toBe('token-1');
  });

  it('gives every factory its own pool, closed by close()', async () => {
    const factory = vi.fn((clientId: string) => options({ clientId }));
    const a = managerSource(factory);
    const b = managerSource(factory);
    expect(a.manager).toBeUndefined();
    expect(a.managerFor('one')).toBe(a.managerFor('one'));
    expect(b.managerFor('one')).not.toBe(a.managerFor('one'));
    expect(a.managerFor('two')).not.toBe(a.managerFor('one'));
    expect(factory).toHaveBeenCalledTimes(6); // once per managerFor()
    const one = await a.managerFor('one');
    await a.close();
    await expect(one.getToken()).rejects.toMatchObject({ code: 'closed' });
    expect(() => a.managerFor('one')).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(factory).toHaveBeenCalledTimes(7); // not after close()
    await b.close();
  });
});

describe('createTokenHandle', () => {
  it('resolves the manager on first use only, once, and works detached', async () => {
    const manager = own(new TokenManager(options()));
    const resolve = vi.fn(() => manager);
    const handle = createTokenHandle(resolve, (error) => error);
    expect(resolve).not.toHaveBeenCalled();
    expect(pendingWork(handle)).toBeUndefined();

    const { getToken, getAuthorizationHeader, fetch } = handle;
    expect((await getToken()).accessToken).toBe('token-1');
    expect(await getAuthorizationHeader()).toBe('Bearer token-1');
    expect((await fetch(`${server.url}/api`)).status).toBe(200);
    expect(resolve).toHaveBeenCalledTimes(1);
  });

  it('passes every rejection through the mapper, resolution errors included', async () => {
    server.onToken = () => ({ status: 401, body: { error: 'invalid_client' } });
    const mapped = new Error('mapped');
    const mapError = vi.fn((_error: unknown) => mapped);
    const handle = createTokenHandle(() => own(new TokenManager(options())), mapError);
    await expect(handle.getToken()).rejects.toBe(mapped);
    expect(mapError.mock.calls.at(0)?.at(0)).toBeInstanceOf(TokenRequestError);

    const failing = createTokenHandle(() => {
      throw new InvalidOptionsError('clientSecret', 'must be a non-empty string');
    }, mapError);
    await expect(failing.fetch('https://api.twilio.com')).rejects.toBe(mapped);
    expect(mapError.mock.calls.at(1)?.at(0)).toMatchObject({ option: 'clientSecret' });
  });

  it("hands out a cached token as the manager's own resolved promise (nothing added per call)", async () => {
    const manager = own(new TokenManager(options()));
    const handle = createTokenHandle(
      () => manager,
      (error) => error,
    );
    await handle.getToken();
    const cached = manager.getToken();
    expect(handle.getToken()).toBe(cached);
    // A refresh in flight (forced here) still goes through the mapper.
    server.onToken = () => ({ status: 401, body: { error: 'invalid_client' } });
    const mapped = new Error('mapped');
    const forced = createTokenHandle(
      () => manager,
      () => mapped,
    );
    await expect(forced.getToken({ forceRefresh: true })).rejects.toBe(mapped);
  });
});

describe('pendingWork', () => {
  it('is undefined for what is not a kernel handle', () => {
    const manager = own(new TokenManager(options()));
    expect(pendingWork(manager)).toBeUndefined();
  });
});

describe('clientsPerManager', () => {
  it('builds one client per manager, shared by every handle on it', () => {
    const factory = vi.fn((fetcher: { fetch: unknown }) => ({ fetcher }));
    const clientOf = clientsPerManager(factory, (error) => error);
    const a = own(new TokenManager(options()));
    const b = own(new TokenManager(options({ clientId: 'OQother' })));
    const first = createTokenHandle(
      () => a,
      (e) => e,
      { clientOf },
    );
    const second = createTokenHandle(
      () => a,
      (e) => e,
      { clientOf },
    );
    expect(first.client).toBe(second.client);
    expect(
      createTokenHandle(
        () => b,
        (e) => e,
        { clientOf },
      ).client,
    ).not.toBe(first.client);
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it("hands the factory the manager's fetch, token failures mapped", async () => {
    const mapped = new Error('mapped');
    let fetcher: { fetch(input: URL): Promise<Response> } | undefined;
    const clientOf = clientsPerManager(
      (f) => {
        fetcher = f;
        return {};
      },
      () => mapped,
    );
    const manager = own(new TokenManager(options()));
    expect(
      createTokenHandle(
        () => manager,
        (e) => e,
        { clientOf },
      ).client,
    ).toEqual({});
    await manager.close();
    await expect(fetcher?.fetch(new URL(`${server.url}/api`))).rejects.toBe(mapped);
  });

  it('without a factory, client names the option; a non-function is refused', () => {
    const handle = createTokenHandle(
      () => own(new TokenManager(options())),
      (e) => e,
    );
    expect(() => handle.client).toThrow(InvalidOptionsError);
    expect(() => handle.client).toThrow('@twilio-oauth/twilio');
    expect(clientsPerManager(undefined, (e) => e)).toBeUndefined();
    expect(() => clientsPerManager('no' as never, (e) => e)).toThrow('Invalid option "client"');
  });
});
