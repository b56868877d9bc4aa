// Nothing left behind: after close() (core, Express middleware) or app.close()
// (Nest), and for Hono once the requests are done, no timer, socket or server
// of ours remains. Checked with process.getActiveResourcesInfo() (what keeps the
// process alive) and with an async_hooks tracker of every timer our packages
// create, unref'd ones included.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ADAPTERS, type AdapterName, startAdapter } from './helpers/adapters';
import { CLIENT_ID, CLIENT_SECRET, messagesUrl, startMock } from './helpers/mock';
import { activeResources, eventually, grownResources, trackOurTimers } from './helpers/resources';
import { section, writeResults } from './helpers/results';

const handles = section(
  62,
  'Handles and timers after shutdown',
  'Per adapter: resources counted before the mock server and the app start, then the app serves a token (first attempt hung until its timeout, then a retry after a backoff wait), a Messages API call and a 401 renewal, and is shut down. The counts must come back to where they were, and every timer our packages created must have fired or been cleared.',
);
afterAll(() => writeResults('handles', [handles]));

const SHUTDOWN: Record<AdapterName, string> = {
  core: '`manager.close()`',
  express: '`server.close()` + `middleware.close()`',
  hono: 'nothing to close (static options): requests done',
  nestjs: '`app.close()`',
};

describe('after shutdown', () => {
  for (const adapter of ADAPTERS) {
    it(`${adapter}: no timer, socket or server of ours remains`, async () => {
      const before = activeResources();
      const timers = trackOurTimers();
      const mock = await startMock();
      try {
        const app = await startAdapter(adapter, {
          messagesUrl: messagesUrl(mock),
          // No `now` and no `onEvent`: the hot path arms its (unref'd) clock timer too.
          options: {
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            tokenUrl: mock.tokenUrl,
            allowedHosts: ['127.0.0.1'],
            // Long enough for the retry on a loaded machine (200 ms failed under a load of 16 on 2 cores).
            timeoutMs: 1_000,
            retry: { maxAttempts: 2, baseDelayMs: 20 },
          },
          hooks: { arrive: () => {}, error: () => {}, response: () => {} },
        });
        mock.setFaults({ token: { hang: true, times: 1 } });
        expect((await app.call('token')).status).toBe(200);
        expect((await app.call('messages')).status).toBe(200);
        mock.revokeTokens();
        expect((await app.call('messages')).status).toBe(200);
        expect(mock.stats().tokenRequests).toBe(3);
        await app.close();
      } finally {
        await mock.close();
      }
      expect(timers.created()).toBeGreaterThan(0);
      await eventually(() => {
        expect(grownResources(before, activeResources())).toEqual({});
        expect(timers.live()).toEqual([]);
      });
      timers.stop();
      handles.rows.push({
        fault: `${adapter}: ${SHUTDOWN[adapter]}`,
        callers: `counts of \`Timeout\`, \`TCPSocketWrap\`, \`TCPServerWrap\` (and any other type) back to their values before start; ${timers.created()} timers created by our packages, none alive`,
        tokenRequests: '3',
        recovery: '—',
      });
    });
  }

  it("the checks themselves see a server left open and an unref'd timer of ours", async () => {
    const { TokenManager } = await import('@twilio-oauth/core');
    const { createServer } = await import('node:net');
    const before = activeResources();
    const timers = trackOurTimers();
    const server = createServer().listen(0, '127.0.0.1');
    const mock = await startMock();
    const manager = new TokenManager({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      tokenUrl: mock.tokenUrl,
    });
    try {
      await manager.getToken();
      // The second call takes the hot path, which arms an unref'd timer of up to 100 ms.
      await manager.getToken();
      expect(Object.keys(grownResources(before, activeResources()))).toContain('TCPServerWrap');
      expect(timers.live().length).toBeGreaterThan(0);
    } finally {
      await manager.close();
      await mock.close();
      server.close();
      timers.stop();
    }
  });

  it('core: close() during a hung token request and during a Retry-After wait leaves nothing', async () => {
    const { TokenManager } = await import('@twilio-oauth/core');
    const before = activeResources();
    const timers = trackOurTimers();
    const mock = await startMock();
    try {
      for (const fault of [{ hang: true }, { status: 503, retryAfterSeconds: 30 }] as const) {
        mock.setFaults({ token: fault });
        const manager = new TokenManager({
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          tokenUrl: mock.tokenUrl,
          timeoutMs: 10_000,
        });
        const pending = manager.getToken().catch((error: unknown) => error);
        await vi.waitFor(() => expect(mock.stats().tokenRequests).toBeGreaterThan(0));
        // Give the 503's answer time to arrive, so close() meets the Retry-After wait.
        if ('status' in fault)
          await vi.waitFor(() => expect(timers.live().length).toBeGreaterThan(0));
        await manager.close();
        expect(await pending).toMatchObject({ code: 'closed' });
        mock.reset();
      }
    } finally {
      await mock.close();
    }
    await eventually(() => {
      expect(grownResources(before, activeResources())).toEqual({});
      expect(timers.live()).toEqual([]);
    });
    timers.stop();
    handles.rows.push({
      fault: 'core: `close()` while a token request hangs, and while waiting out `Retry-After: 30`',
      callers:
        'the waiting caller gets `closed` at once; the request is aborted and the wait cancelled: no timer, socket or server remains',
      tokenRequests: '1 each',
      recovery: '—',
    });
  });
});
