import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { firstClient, issueToken, messagesUrl, postForm } from '../test/helpers';
import { type MockClient, type MockServer, startMockServer } from './index';

/** Resolves once `predicate` holds, checking on every turn of the event loop. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setImmediate(resolve));
}

const tokenFields = (server: MockServer) => {
  const { clientId, clientSecret } = firstClient(server);
  return { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret };
};

describe('startMockServer', () => {
  it('generates a client and an account SID, and reports its URLs', async () => {
    await using server = await startMockServer();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.tokenUrl).toBe(`${server.url}/v2/token`);
    expect(server.apiBaseUrl).toBe(server.url);
    expect(server.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(server.clients).toHaveLength(1);
    expect(firstClient(server).clientId).toMatch(/^OQ[0-9a-f]{32}$/);
    expect(firstClient(server).clientSecret.length).toBeGreaterThanOrEqual(32);
    expect((await postForm(server.tokenUrl, tokenFields(server))).status).toBe(200);
  });

  it('clientOptions() gives what an OAuth client needs to use it', async () => {
    const alice = { clientId: 'OQalice', clientSecret: 'alice-secret' };
    await using server = await startMockServer({ clients: [alice] });
    const options = server.clientOptions();
    expect(options).toEqual({ ...alice, tokenUrl: server.tokenUrl, allowedHosts: ['127.0.0.1'] });
    const wrong = { clientId: 'OQalice', clientSecret: 'wrong' };
    expect(server.clientOptions(wrong)).toEqual({ ...options, clientSecret: 'wrong' });
    const res = await postForm(options.tokenUrl, {
      grant_type: 'client_credentials',
      client_id: options.clientId,
      client_secret: options.clientSecret,
    });
    expect(res.status).toBe(200);
    expect(() => server.clientOptions(null as unknown as MockClient)).toThrow(/"client"/);
    // A variable that happens to be undefined must not fall back to the first client.
    expect(() => server.clientOptions(undefined)).toThrow(/"client"/);
    expect(server.clientOptions('OQalice')).toEqual(options);
    expect(() => server.clientOptions('OQnobody')).toThrow(/no client "OQnobody"/);
    await using v6 = await startMockServer({ host: '::1' });
    expect(v6.clientOptions().allowedHosts).toEqual(['[::1]']);
  });

  it('generates different credentials for each server', async () => {
    await using a = await startMockServer();
    await using b = await startMockServer();
    expect(a.accountSid).not.toBe(b.accountSid);
    expect(firstClient(a).clientSecret).not.toBe(firstClient(b).clientSecret);
  });

  it('listens on a given port and host, IPv6 included', async () => {
    await using v6 = await startMockServer({ host: '::1' });
    expect(v6.url).toBe(`http://[::1]:${v6.port}`);
    expect((await postForm(v6.tokenUrl, tokenFields(v6))).status).toBe(200);
    await using any = await startMockServer({ host: '0.0.0.0' });
    expect(any.url).toBe(`http://127.0.0.1:${any.port}`);
    await using fixed = await startMockServer({ port: v6.port });
    expect(fixed.port).toBe(v6.port);
  });

  it('rejects when the port is taken', async () => {
    await using server = await startMockServer();
    await expect(startMockServer({ port: server.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('rejects invalid options with a TypeError naming the option', async () => {
    await expect(startMockServer({ tokenTtlSeconds: 0 })).rejects.toThrow(/"tokenTtlSeconds"/);
  });

  it('serves many concurrent token requests, each with a unique token', async () => {
    await using server = await startMockServer();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => postForm(server.tokenUrl, tokenFields(server))),
    );
    const tokens = await Promise.all(
      responses.map(async (res) => ((await res.json()) as { access_token: string }).access_token),
    );
    expect(new Set(tokens).size).toBe(50);
    expect(server.stats()).toMatchObject({ tokenRequests: 50, tokensIssued: 50 });
  });

  it('reset() clears counters, faults and messages', async () => {
    await using server = await startMockServer();
    const token = await issueToken(server);
    await postForm(
      messagesUrl(server),
      { To: '+1', From: '+2', Body: 'x' },
      { authorization: `Bearer ${token}` },
    );
    server.setFaults({ token: { status: 500 } });
    server.reset();
    expect(server.stats()).toEqual({
      tokenRequests: 0,
      tokensIssued: 0,
      apiRequests: 0,
      rejectedApiRequests: 0,
      organizationsRequests: 0,
      rejectedOrganizationsRequests: 0,
      byClient: {
        [firstClient(server).clientId]: {
          tokenRequests: 0,
          tokensIssued: 0,
          apiRequests: 0,
          organizationsRequests: 0,
        },
      },
    });
    expect(server.faults()).toEqual({});
    expect(server.messages()).toEqual([]);
  });

  it('answers garbage on the wire with 400 and keeps serving', async () => {
    await using server = await startMockServer();
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.write('NOT HTTP AT ALL\r\n\r\n'),
      );
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString();
      });
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await postForm(server.tokenUrl, tokenFields(server))).status).toBe(200);
  });
});

describe('close()', () => {
  it('closes idle keep-alive connections at once', async () => {
    const server = await startMockServer();
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      request(`${server.url}/__mock/stats`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
    // The socket now idles in the agent's pool; Node's default keep-alive would hold it for 5 s.
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1000);
    agent.destroy();
  });

  it('ends a hung request, and the client sees a network error', async () => {
    const server = await startMockServer();
    server.setFaults({ token: { hang: true } });
    const pending = postForm(server.tokenUrl, tokenFields(server)).catch((error: unknown) => error);
    await until(() => server.stats().tokenRequests === 1);
    await server.close();
    expect(await pending).toBeInstanceOf(TypeError);
  });

  it('cuts a long delay short', async () => {
    const server = await startMockServer();
    server.setFaults({ api: { delayMs: 600_000 } });
    const pending = fetch(messagesUrl(server)).catch((error: unknown) => error);
    await until(() => server.stats().apiRequests === 1);
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(TypeError);
  });

  it('ends a request whose body never finishes', async () => {
    const server = await startMockServer();
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /v2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
        'Content-Length: 100\r\n\r\ngrant_type=',
    );
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => {});
    // A round trip on another connection gives the server time to start reading that body.
    expect((await fetch(`${server.url}/__mock/stats`)).status).toBe(200);
    const started = performance.now();
    await server.close();
    await closed;
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('is idempotent, works with await using, and refuses connections afterwards', async () => {
    const server = await startMockServer();
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    await server[Symbol.asyncDispose]();
    await expect(fetch(server.tokenUrl)).rejects.toThrow(TypeError);
  });
});
