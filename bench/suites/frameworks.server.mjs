// Child process of the frameworks section: one HTTP app, bare, with a no-op middleware or with
// our adapter installed. Every variant holds a manager with a cached token: GET /ping never
// calls Twilio, GET /token awaits a cached token — through the adapter's handle in the adapter
// variant, from the manager itself in the others.
import 'reflect-metadata';
import { TokenManager } from '@twilio-oauth/core';
import { serve } from '../lib/ipc.mjs';

let stop = async () => {};

const cachedManager = async (target) => {
  const manager = new TokenManager({
    clientId: target.clientId,
    clientSecret: target.clientSecret,
    tokenUrl: target.tokenUrl,
    allowedHosts: [new URL(target.url).hostname],
  });
  // "With a cached token": the one token request happens before the load starts.
  await manager.getToken();
  return manager;
};

serve({
  // variant: 'bare' (no middleware), 'noop' (a do-nothing middleware: what any middleware
  // costs in this framework) or 'adapter' (ours, sharing the manager).
  async start({ framework, variant, target }) {
    const manager = await cachedManager(target);
    const started = await APPS[framework](variant, manager);
    stop = async () => {
      await started.close();
      await manager.close();
    };
    return { port: started.port };
  },
  // Hono can answer without a socket: the per-request cost of the adapter, and of any
  // middleware at all (a no-op one), with no HTTP stack or load generator in the figure.
  // `handle` and `direct` run in the same app with the adapter installed: GET /token through
  // c.var.twilio, or awaiting the manager itself.
  async honoInProcess({ target, rounds, timeMs, batch }) {
    const { Hono } = await import('hono');
    const { twilioOAuth } = await import('@twilio-oauth/hono');
    const { nsPerOp, pairedRatio } = await import('../lib/measure.mjs');
    const manager = await cachedManager(target);
    const expiry = async (source) => ({ expiresAt: (await source.getToken()).expiresAt });
    const appWith = (middleware) => {
      const app = new Hono();
      if (middleware) app.use(middleware);
      app.get('/ping', (c) => c.json(PING));
      app.get('/direct', async (c) => c.json(await expiry(manager)));
      app.get('/handle', async (c) => c.json(await expiry(c.var.twilio)));
      return app;
    };
    const loop = (app, path) => {
      const url = `http://bench${path}`;
      return async (n) => {
        for (let i = 0; i < n; i++) await (await app.fetch(new Request(url))).json();
      };
    };
    const bare = appWith();
    const noop = appWith(async (_c, next) => {
      await next();
    });
    const adapter = appWith(twilioOAuth({ manager }));
    const ns = await nsPerOp(
      {
        bare: loop(bare, '/ping'),
        noopMiddleware: loop(noop, '/ping'),
        adapter: loop(adapter, '/ping'),
        noopDirect: loop(noop, '/direct'),
        adapterDirect: loop(adapter, '/direct'),
        adapterHandle: loop(adapter, '/handle'),
      },
      { rounds, timeMs, batch },
    );
    await manager.close();
    return {
      ns: Object.fromEntries(Object.entries(ns).map(([k, v]) => [k, v.nsPerOp])),
      roundsNs: Object.fromEntries(Object.entries(ns).map(([k, v]) => [k, v.roundsNs])),
      // Medians of the per-round ratios (time over time: above 1 is slower).
      handleOverDirect: pairedRatio(ns.adapterHandle, ns.adapterDirect),
      handleOverNoopDirect: pairedRatio(ns.adapterHandle, ns.noopDirect),
      adapterOverNoop: pairedRatio(ns.adapter, ns.noopMiddleware),
      noopOverBare: pairedRatio(ns.noopMiddleware, ns.bare),
    };
  },
  // CPU time this server has used (µs), to express throughput per CPU-second as well.
  cpu() {
    const { user, system } = process.cpuUsage();
    return user + system;
  },
  onExit: () => stop(),
});

const PING = { ok: true };

// Every variant has the same routes in the same order (GET /ping and GET /token under load,
// GET /check to confirm the adapter works); only the middleware differs.
const APPS = {
  async express(variant, manager) {
    const { default: express } = await import('express');
    const app = express();
    if (variant === 'adapter') {
      const { twilioOAuth } = await import('@twilio-oauth/express');
      app.use(twilioOAuth({ manager }));
    } else if (variant === 'noop') {
      app.use((_req, _res, next) => next());
    }
    app.get('/ping', (_req, res) => {
      res.json(PING);
    });
    app.get('/token', async (req, res, next) => {
      try {
        res.json({ expiresAt: (await (req.twilio ?? manager).getToken()).expiresAt });
      } catch (error) {
        next(error);
      }
    });
    app.get('/check', async (req, res, next) => {
      try {
        res.json({ expiresAt: req.twilio ? (await req.twilio.getToken()).expiresAt : null });
      } catch (error) {
        next(error);
      }
    });
    const server = await new Promise((resolve, reject) => {
      const listening = app.listen(0, '127.0.0.1', (error) =>
        error ? reject(error) : resolve(listening),
      );
    });
    return { port: server.address().port, close: () => closeServer(server) };
  },

  async hono(variant, manager) {
    const { Hono } = await import('hono');
    const { serve: listen } = await import('@hono/node-server');
    const app = new Hono();
    if (variant === 'adapter') {
      const { twilioOAuth } = await import('@twilio-oauth/hono');
      app.use(twilioOAuth({ manager }));
    } else if (variant === 'noop') {
      app.use(async (_c, next) => {
        await next();
      });
    }
    app.get('/ping', (c) => c.json(PING));
    app.get('/token', async (c) =>
      c.json({ expiresAt: (await (c.var.twilio ?? manager).getToken()).expiresAt }),
    );
    app.get('/check', async (c) =>
      c.json({ expiresAt: c.var.twilio ? (await c.var.twilio.getToken()).expiresAt : null }),
    );
    let server;
    const port = await new Promise((resolve) => {
      server = listen({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve(info.port),
      );
    });
    return { port, close: () => closeServer(server) };
  },

  async nest(variant, manager) {
    const { createNestApp } = await import('../lib/nest-app.mjs');
    if (variant === 'noop') throw new Error('nest: the module adds no middleware to compare with');
    const app = await createNestApp(manager, { module: variant === 'adapter' });
    await app.listen(0, '127.0.0.1');
    return { port: app.getHttpServer().address().port, close: () => app.close() };
  },
};

function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
