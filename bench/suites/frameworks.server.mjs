// Child process of the frameworks section: one HTTP app, bare or with our adapter installed
// (its manager holding a cached token). The route under load never calls Twilio.
import 'reflect-metadata';
import { TokenManager } from '@twilio-oauth/core';
import { serve } from '../lib/ipc.mjs';

let stop = async () => {};

serve({
  // variant: 'bare' (no middleware), 'noop' (a do-nothing middleware: what any middleware
  // costs in this framework) or 'adapter' (ours, its manager holding a cached token).
  async start({ framework, variant, target }) {
    let manager;
    if (variant === 'adapter') {
      manager = new TokenManager({
        clientId: target.clientId,
        clientSecret: target.clientSecret,
        tokenUrl: target.tokenUrl,
        allowedHosts: [new URL(target.url).hostname],
      });
      // "With a cached token": the one token request happens before the load starts.
      await manager.getToken();
    }
    const started = await APPS[framework](variant, manager);
    stop = async () => {
      await started.close();
      await manager?.close();
    };
    return { port: started.port };
  },
  // Hono can answer without a socket: the per-request cost of the adapter, and of any
  // middleware at all (a no-op one), with no HTTP stack or load generator in the figure.
  async honoInProcess({ target, rounds, timeMs, batch }) {
    const { Hono } = await import('hono');
    const { twilioOAuth } = await import('@twilio-oauth/hono');
    const { nsPerOp } = await import('../lib/measure.mjs');
    const manager = new TokenManager({
      clientId: target.clientId,
      clientSecret: target.clientSecret,
      tokenUrl: target.tokenUrl,
      allowedHosts: [new URL(target.url).hostname],
    });
    await manager.getToken();
    const appWith = (middleware) => {
      const app = new Hono();
      if (middleware) app.use(middleware);
      app.get('/ping', (c) => c.json(PING));
      return app;
    };
    const loop = (app) => async (n) => {
      for (let i = 0; i < n; i++) await (await app.fetch(new Request('http://bench/ping'))).json();
    };
    const results = await nsPerOp(
      {
        bare: loop(appWith()),
        noopMiddleware: loop(
          appWith(async (_c, next) => {
            await next();
          }),
        ),
        adapter: loop(appWith(twilioOAuth({ manager }))),
      },
      { rounds, timeMs, batch },
    );
    await manager.close();
    return Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.nsPerOp]));
  },
  // CPU time this server has used (µs), to express throughput per CPU-second as well.
  cpu() {
    const { user, system } = process.cpuUsage();
    return user + system;
  },
  onExit: () => stop(),
});

const PING = { ok: true };

// Every variant has the same routes in the same order (GET /ping under load, GET /check to
// confirm the adapter works); only the middleware differs.
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
    const app = await createNestApp(manager);
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
