// The Hono routes of ./routes as a Cloudflare Worker, bundled into one module and run by
// workerd (miniflare) — see ./workerd. Options come per request, the way a Worker reads
// its bindings: the secret from `env`, the test's data options and clock in headers.
// Each "run" (header `x-run`, one per scenario) is a credential of its own: its token
// URL carries `?run=<n>`, so the adapter's pool makes it a manager of its own, as a
// fresh isolate would have. What the isolate saw (events, errors, issued tokens) is
// kept per run, without secrets, and handed over by `GET /__rel/drain`.
import type { TokenEvent } from '@twilio-oauth/core';
import {
  type TokenManagerOptions,
  type TwilioOAuthVariables,
  twilioOAuth,
} from '@twilio-oauth/hono';
import { Hono } from 'hono';
import { type Arrival, type RecordingFetch, recordingFetch } from './recording-fetch';
import { ROUTES, useHandle } from './routes';

interface Bindings {
  readonly CLIENT_ID: string;
  readonly CLIENT_SECRET: string;
  readonly TOKEN_URL: string;
  readonly MESSAGES_URL: string;
}

/** An error as the isolate would print it: every rendering, cause by cause. */
export interface RenderedError {
  readonly where: string;
  readonly texts: readonly string[];
  /** The fields a test checks (`code`, `status`, `attempts`, `retryable`). */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** An event as recorded in the isolate: the event with its error rendered. */
export type RecordedEvent = Omit<TokenEvent, 'error'> & { readonly error?: RenderedError };

/** What `GET /__rel/drain` answers for a run. */
export interface Drained {
  readonly events: readonly RecordedEvent[];
  readonly errors: readonly RenderedError[];
  readonly tokens: readonly string[];
  /** Exchanges started and not yet ended (issued or failed). */
  readonly exchangesInFlight: number;
}

class Run {
  readonly recorder: RecordingFetch;
  readonly tokenUrl: string;
  events: RecordedEvent[] = [];
  errors: RenderedError[] = [];
  reported = new Set<string>();
  exchangesInFlight = 0;

  constructor(tokenUrl: string) {
    this.tokenUrl = tokenUrl;
    this.recorder = recordingFetch(tokenUrl, { readFirst: true });
  }

  readonly onEvent = (event: TokenEvent): void => {
    if (event.type === 'token.requested' && event.attempt === 1) this.exchangesInFlight += 1;
    if (event.type === 'token.issued' || event.type === 'token.request_failed') {
      this.exchangesInFlight -= 1;
    }
    const { error, ...rest } = event as TokenEvent & { error?: unknown };
    this.events.push({
      ...rest,
      ...(error === undefined ? {} : { error: render('event.error', error) }),
    } as RecordedEvent);
  };
}

const safe = (render: () => string): string => {
  try {
    return render();
  } catch (error) {
    return `<threw ${String(error)}>`;
  }
};

function render(where: string, error: unknown): RenderedError {
  const texts: string[] = [];
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    texts.push(
      safe(() => String(e)),
      safe(() => JSON.stringify(e) ?? ''),
    );
    if (e instanceof Error) texts.push(e.message, e.stack ?? '');
    e = e instanceof Error ? e.cause : undefined;
  }
  const source = Object(error) as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const key of ['name', 'code', 'status', 'attempts', 'retryable']) {
    if (source[key] !== undefined) fields[key] = source[key];
  }
  return { where, texts, fields };
}

const runs = new Map<string, Run>();
/** The managers' clock: the test's, as sent with the latest request. */
let clockMs = 0;

type WorkerEnv = { Bindings: Bindings; Variables: { run: Run } & TwilioOAuthVariables };

const runOf = (c: { env: Bindings; req: { header(name: string): string | undefined } }) => {
  const id = c.req.header('x-run') ?? '0';
  let run = runs.get(id);
  if (!run) {
    run = new Run(`${c.env.TOKEN_URL}?run=${encodeURIComponent(id)}`);
    runs.set(id, run);
  }
  return run;
};

const app = new Hono<WorkerEnv>();

app.use(async (c, next) => {
  const run = runOf(c);
  const clock = Number(c.req.header('x-clock-ms'));
  if (Number.isFinite(clock) && clock > 0) clockMs = clock;
  c.set('run', run);
  await next();
  // Hono's compose turns a thrown error into c.error plus the onError answer.
  if (c.error) run.errors.push(render('workerd c.error', c.error));
});

app.use(
  '/call/*',
  twilioOAuth<WorkerEnv>((c) => {
    const run = c.var.run;
    const data = JSON.parse(c.req.header('x-options') ?? '{}') as Partial<TokenManagerOptions>;
    return {
      ...data,
      clientId: c.env.CLIENT_ID,
      clientSecret: c.env.CLIENT_SECRET,
      tokenUrl: run.tokenUrl,
      fetch: run.recorder.fetch,
      now: () => clockMs,
      onEvent: run.onEvent,
    };
  }),
);

for (const [route, { method, path }] of Object.entries(ROUTES)) {
  app.on(method, `/call${path}`, async (c) => {
    c.var.run.recorder.gate.arrive('handler');
    const answer = await useHandle(c.var.twilio, route as keyof typeof ROUTES, c.env.MESSAGES_URL);
    return c.body(answer.body, answer.status as 200, { 'content-type': answer.contentType });
  });
}

app.post('/__rel/gate', async (c) => {
  const { count, arrival } = await c.req.json<{ count?: number; arrival?: Arrival }>();
  const { gate } = c.var.run.recorder;
  if (count === undefined) gate.clear();
  else gate.expect(count, arrival);
  return c.json({ ok: true });
});

app.get('/__rel/drain', async (c) => {
  const run = c.var.run;
  await run.recorder.flush();
  const tokens = [...run.recorder.tokens].filter((token) => !run.reported.has(token));
  for (const token of tokens) run.reported.add(token);
  const drained: Drained = {
    events: run.events,
    errors: run.errors,
    tokens,
    exchangesInFlight: run.exchangesInFlight,
  };
  run.events = [];
  run.errors = [];
  return c.json(drained);
});

/** Cloudflare Workers module entry. */
export default app;
