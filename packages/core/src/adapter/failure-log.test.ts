import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECRET, startServer, type TestServer } from '../../test/token-server';
import { InvalidOptionsError, TokenRequestError } from '../errors';
import { TokenManager } from '../token-manager';
import type { TokenManagerOptions } from '../types';
import { CONSOLE_FAILURE_LOGGER, FailureLog, failureLog } from './failure-log';
import { adapterKernel } from './kernel';

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
  clientId: 'OQfailures',
  clientSecret: SECRET,
  tokenUrl: server.tokenUrl,
  allowedHosts: ['127.0.0.1'],
  retry: { maxAttempts: 1 },
  // Every call reaches the server, so that each state is seen as it happens.
  failFastMs: 0,
  ...extra,
});

/** A logger that keeps its lines. */
const recorder = () => {
  const lines: { level: 'warn' | 'info'; line: string }[] = [];
  return {
    lines,
    logger: {
      warn: (line: string) => lines.push({ level: 'warn', line }),
      info: (line: string) => lines.push({ level: 'info', line }),
    },
  };
};

const reject = () => ({ status: 401, body: { error: 'invalid_client', code: 20003 } });
const unavailable = () => ({ status: 503, body: 'down' });

describe('FailureLog through a handle', () => {
  it('writes one line per change of state, whatever the number of calls', async () => {
    const { lines, logger } = recorder();
    const manager = new TokenManager(options());
    managers.push(manager);
    const kernel = adapterKernel({ manager }, { toHttpError: (failure) => failure.cause, logger });
    const handle = kernel.scope(undefined).handle;

    server.onToken = reject;
    for (let i = 0; i < 5; i++) await expect(handle.getToken()).rejects.toThrow(TokenRequestError);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('warn');
    expect(lines[0]?.line).toContain('credentials were rejected (invalid_client');
    expect(lines[0]?.line).toContain(`${server.tokenUrl} OQfailures`);
    expect(lines[0]?.line).toContain('502');

    server.onToken = unavailable;
    for (let i = 0; i < 3; i++) await expect(handle.getToken()).rejects.toThrow();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ level: 'warn' });
    expect(lines[1]?.line).toContain('token service unavailable (server_error)');
    expect(lines[1]?.line).toContain('503');

    server.onToken = (n) => ({
      body: { access_token: `token-${n}`, token_type: 'Bearer', expires_in: 3600 },
    });
    for (let i = 0; i < 3; i++) await handle.getToken();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 'info' });
    expect(lines[2]?.line).toContain('recovered from token service unavailable');

    // Nothing secret in any line: neither the secret nor a token.
    for (const { line } of lines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain('token-');
    }
  });

  it('keeps one state per credential of a pool', async () => {
    const { lines, logger } = recorder();
    const kernel = adapterKernel<string>((id) => options({ clientId: id }), {
      toHttpError: (failure) => failure.cause,
      logger,
    });
    server.onToken = (_n, req) =>
      req.form.get('client_id') === 'OQbad'
        ? reject()
        : { body: { access_token: 'ok', token_type: 'Bearer', expires_in: 3600 } };
    try {
      for (const id of ['OQbad', 'OQgood', 'OQbad', 'OQgood', 'OQbad']) {
        await kernel
          .scope(id)
          .handle.getToken()
          .catch(() => undefined);
      }
      expect(lines.map(({ line }) => line.includes('OQbad'))).toEqual([true]);
    } finally {
      await kernel.close();
    }
  });

  it('ignores what says nothing about the token service: a closed manager, not a token failure', async () => {
    const { lines, logger } = recorder();
    const manager = new TokenManager(options());
    const { handle } = adapterKernel(
      { manager },
      { toHttpError: (failure) => failure.cause, logger },
    ).scope(undefined);
    await expect(handle.fetch('https://evil.example/')).rejects.toThrow();
    await manager.close();
    await expect(handle.getToken()).rejects.toThrow();
    expect(lines).toEqual([]);
  });

  it('drops user info and query from the token URL it names, and survives a throwing logger', async () => {
    const { lines, logger } = recorder();
    const failures = new FailureLog(logger);
    const error = new TokenRequestError('invalid_client', 'rejected');
    failures.failed('https://user:pw@oauth.example/v2/token?k=v OQx', error);
    expect(lines[0]?.line).toContain('https://oauth.example/v2/token OQx');
    expect(lines[0]?.line).not.toContain('pw');
    const broken = new FailureLog({
      warn: () => {
        throw new Error('disk full');
      },
      info: () => undefined,
    });
    expect(() => broken.failed('https://oauth.example/v2/token OQx', error)).not.toThrow();
  });
});

describe('failureLog', () => {
  it('uses the fallback, a given logger, or none', () => {
    expect(failureLog(undefined, CONSOLE_FAILURE_LOGGER)).toBeInstanceOf(FailureLog);
    expect(failureLog({ warn() {}, info() {} }, CONSOLE_FAILURE_LOGGER)).toBeInstanceOf(FailureLog);
    expect(failureLog(false, CONSOLE_FAILURE_LOGGER)).toBeUndefined();
  });

  it('refuses a logger without warn and info, naming the option', () => {
    const bad = { warn() {} } as never;
    expect(() => failureLog(bad, CONSOLE_FAILURE_LOGGER)).toThrow(
      new InvalidOptionsError('logger', 'must be false or an object with warn() and info()'),
    );
  });

  it('writes to the console by default', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      new FailureLog(CONSOLE_FAILURE_LOGGER).failed(
        'https://oauth.example/v2/token OQx',
        new TokenRequestError('timeout', 'timed out', { retryable: true }),
      );
      expect(warn).toHaveBeenCalledOnce();
      expect(warn.mock.calls[0]?.[0]).toContain('token service unavailable (timeout)');
    } finally {
      warn.mockRestore();
    }
  });
});
