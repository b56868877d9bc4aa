// The same three routes (./routes) served by each adapter (and by the core alone), so
// one fault can be driven through all of them and what a caller sees compared.
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  Get,
  type HttpServer,
  type INestApplication,
  Inject,
  Module,
  Post,
  Res,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { httpStatusForError, TokenManager, type TokenManagerOptions } from '@twilio-oauth/core';
import { twilioOAuth as expressTwilioOAuth, twilioOAuthErrorHandler } from '@twilio-oauth/express';
import { twilioOAuth as honoTwilioOAuth } from '@twilio-oauth/hono';
import { TwilioOAuthModule, TwilioOAuthService } from '@twilio-oauth/nestjs';
import express, { type ErrorRequestHandler, type Response as ExpressResponse } from 'express';
import { Hono } from 'hono';
import type { HttpAnswer } from './capture';
import type { Arrival } from './recording-fetch';
import { ROUTES, type Route, useHandle } from './routes';

export type { Route } from './routes';

export type AdapterName = 'core' | 'express' | 'hono' | 'nestjs';
export const ADAPTERS: readonly AdapterName[] = ['core', 'express', 'hono', 'nestjs'];

/** What the test learns about each request. */
export interface Hooks {
  /** A request reached the route handler (before it uses the token handle). */
  arrive(): void;
  /** An error reached the framework's error handling (or, for the core, the caller). */
  error(where: string, error: unknown): void;
  /** An answer the caller received. */
  response(where: string, answer: HttpAnswer): void;
}

/** What one caller saw. */
export interface Call {
  readonly status: number;
  readonly body: string;
  /** Core only: the error `getToken()` / `fetch()` rejected with. */
  readonly error?: unknown;
}

export interface RunningAdapter {
  readonly name: AdapterName | 'workerd';
  call(route: Route): Promise<Call>;
  /**
   * Where the app runs out of the test's process (workerd): holds the runtime's token
   * requests until `count` callers have arrived (at `arrival`), as the recording fetch
   * does for the others; `clearBurst` lets them through again.
   */
  expectBurst?(count: number, arrival: Arrival): Promise<void>;
  clearBurst?(): Promise<void>;
  /** Out of process too: resolves once no token request is in flight there, its events reported. */
  settle?(): Promise<void>;
  /** Shuts the app down (and with it the manager it created, where the adapter can). */
  close(): Promise<void>;
}

export interface AdapterSetup {
  readonly options: TokenManagerOptions;
  readonly messagesUrl: string;
  readonly hooks: Hooks;
}

export function startAdapter(name: AdapterName, setup: AdapterSetup): Promise<RunningAdapter> {
  switch (name) {
    case 'core':
      return Promise.resolve(startCore(setup));
    case 'express':
      return startExpress(setup);
    case 'hono':
      return Promise.resolve(startHono(setup));
    case 'nestjs':
      return startNest(setup);
  }
}

function startCore({ options, messagesUrl, hooks }: AdapterSetup): RunningAdapter {
  const manager = new TokenManager(options);
  return {
    name: 'core',
    async call(route) {
      hooks.arrive();
      try {
        const { status, body } = await useHandle(manager, route, messagesUrl);
        return { status, body };
      } catch (error) {
        hooks.error('core caller', error);
        const code = (error as { code?: unknown }).code;
        return { status: httpStatusForError(error) ?? 500, body: String(code), error };
      }
    },
    close: () => manager.close(),
  };
}

async function httpCall(name: AdapterName, base: string, route: Route, hooks: Hooks) {
  const { method, path } = ROUTES[route];
  const response = await fetch(`${base}${path}`, { method });
  const body = await response.text();
  hooks.response(name, { status: response.status, headers: response.headers, body });
  return { status: response.status, body };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

async function startExpress({
  options,
  messagesUrl,
  hooks,
}: AdapterSetup): Promise<RunningAdapter> {
  const middleware = expressTwilioOAuth(options);
  const app = express();
  // Development mode is where Express shows the most: the default error handler
  // logs the stack and puts it in the answer. Nothing secret may be in either.
  app.set('env', 'development');
  app.use(middleware);
  for (const route of ['token', 'messages', 'send'] as const) {
    const { method, path } = ROUTES[route];
    const handler = async (req: express.Request, res: ExpressResponse) => {
      hooks.arrive();
      const { status, contentType, body } = await useHandle(req.twilio, route, messagesUrl);
      res.status(status).type(contentType).send(body);
    };
    if (method === 'GET') app.get(path, handler);
    else app.post(path, handler);
  }
  const record: ErrorRequestHandler = (err, _req, _res, next) => {
    hooks.error('express next(err)', err);
    next(err);
  };
  app.use(record, twilioOAuthErrorHandler());
  const server = app.listen(0, '127.0.0.1');
  const base = await listen(server);
  return {
    name: 'express',
    call: (route) => httpCall('express', base, route, hooks),
    close: async () => {
      await closeServer(server);
      await middleware.close();
    },
  };
}

function startHono({ options, messagesUrl, hooks }: AdapterSetup): RunningAdapter {
  const middleware = honoTwilioOAuth(options);
  const app = new Hono()
    .use(async (c, next) => {
      await next();
      // Hono's compose turns a thrown error into c.error plus the onError answer.
      if (c.error) hooks.error('hono c.error', c.error);
    })
    .use(middleware);
  for (const route of ['token', 'messages', 'send'] as const) {
    const { method, path } = ROUTES[route];
    app.on(method, path, async (c) => {
      hooks.arrive();
      const { status, contentType, body } = await useHandle(c.var.twilio, route, messagesUrl);
      return c.body(body, status as 200, { 'content-type': contentType });
    });
  }
  return {
    name: 'hono',
    async call(route) {
      const { method, path } = ROUTES[route];
      const response = await app.request(path, { method });
      const body = await response.text();
      hooks.response('hono', { status: response.status, headers: response.headers, body });
      return { status: response.status, body };
    },
    // Static options: the middleware closes the manager it owns.
    close: () => middleware.close(),
  };
}

const SETUP = Symbol('reliability adapter setup');

@Controller()
class TwilioRoutes {
  constructor(
    @Inject(TwilioOAuthService) private readonly twilio: TwilioOAuthService,
    @Inject(SETUP) private readonly setup: AdapterSetup,
  ) {}

  @Get('token')
  token(@Res() res: ExpressResponse) {
    return this.#answer('token', res);
  }

  @Get('messages')
  messages(@Res() res: ExpressResponse) {
    return this.#answer('messages', res);
  }

  @Post('messages')
  send(@Res() res: ExpressResponse) {
    return this.#answer('send', res);
  }

  async #answer(route: Route, res: ExpressResponse) {
    this.setup.hooks.arrive();
    const answer = await useHandle(this.twilio, route, this.setup.messagesUrl);
    res.status(answer.status).type(answer.contentType).send(answer.body);
  }
}

/** Lets Nest answer as it normally does, after showing the exception to the test. */
@Catch()
class RecordingFilter extends BaseExceptionFilter {
  constructor(
    private readonly hooks: Hooks,
    applicationRef: HttpServer,
  ) {
    super(applicationRef);
  }

  override catch(exception: unknown, host: ArgumentsHost) {
    this.hooks.error('nest filter', exception);
    super.catch(exception, host);
  }
}

async function startNest(setup: AdapterSetup): Promise<RunningAdapter> {
  @Module({
    imports: [TwilioOAuthModule.forRoot(setup.options)],
    controllers: [TwilioRoutes],
    providers: [{ provide: SETUP, useValue: setup }],
  })
  class AppModule {}

  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  app.useGlobalFilters(new RecordingFilter(setup.hooks, app.getHttpAdapter()));
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name: 'nestjs',
    call: (route) => httpCall('nestjs', base, route, setup.hooks),
    close: () => app.close(),
  };
}
