// Property tests of the token response parser: requestToken() driven with an
// injected fetch that answers arbitrary statuses, headers and bodies (bytes,
// JSON, token-shaped objects, streams that fail, things that are no Response).
// It must never crash, never reject with anything but a TokenRequestError, and
// never yield a token from a response the documented contract calls invalid.
import { requestToken, TokenRequestError } from '@twilio-oauth/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { section, writeResults } from './helpers/results';

const TOKEN_URL = 'https://oauth.example.test/v2/token';
const NOW = Date.parse('2030-01-01T00:00:00Z');
const MAX_BODY_BYTES = 64 * 1024;
const RUNS = 1_000;

const hostile = section(
  50,
  'Hostile input',
  `Property-based (fast-check, ${RUNS} runs per property unless noted) and example-based checks of what the core accepts.`,
);
afterAll(() => writeResults('response-parser', [hostile]));

/** What the injected fetch answers: a Response description, or a misbehaving fetch. */
type Answer =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: readonly (readonly [string, string])[];
      readonly body: Uint8Array | null;
    }
  | { readonly kind: 'failing-stream'; readonly status: number; readonly prefix: Uint8Array }
  | { readonly kind: 'throws'; readonly value: unknown }
  | { readonly kind: 'not-a-response'; readonly value: unknown };

const encode = (text: string) => new TextEncoder().encode(text);
// Statuses a Response can carry; these three must have no body.
const NULL_BODY = new Set([204, 205, 304]);

const headerValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,30}[\x21-\x7e])?$/);
const headers = fc.array(
  fc.tuple(
    fc.constantFrom('content-type', 'retry-after', 'content-length', 'x-anything', 'location'),
    fc.oneof(
      headerValue,
      fc.constantFrom('application/json', '0', '5', 'Wed, 21 Oct 2015 07:28:00 GMT'),
    ),
  ),
  { maxLength: 3 },
);

/** Anything JSON can carry, with the odd strings fast-check knows about. */
const jsonish = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Objects shaped like a token answer, each field valid, odd or absent. */
const tokenShaped = fc.record(
  {
    access_token: fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }) },
      { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9._~+/-]{8,60}=*$/) },
      { weight: 1, arbitrary: jsonish },
    ),
    token_type: fc.oneof(
      fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR', 'mac', ''),
      jsonish,
    ),
    expires_in: fc.oneof(
      fc.constantFrom(3600, 1, 0.001, 0, -1, 1e9 - 1, 1e9, 1e300, '3600', null),
      fc.double(),
      fc.integer(),
      jsonish,
    ),
    id_token: fc.oneof(fc.constant(null), fc.string({ maxLength: 10 }), jsonish),
    refresh_token: fc.oneof(fc.constant(null), fc.string({ maxLength: 10 }), jsonish),
    error: fc.oneof(fc.constantFrom('invalid_client', 'server_error', 'x y', ''), jsonish),
  },
  { requiredKeys: [] },
);

/** Answers that follow the contract, with its allowed variations. */
const validShaped = fc.record(
  {
    access_token: fc.stringMatching(/^[\x20-\x7e]{1,80}$/),
    token_type: fc.constantFrom('Bearer', 'bearer', 'BEARER'),
    expires_in: fc.oneof(
      fc.integer({ min: 1, max: 999_999_999 }),
      fc.double({ min: 1e-3, max: 1e8 }),
    ),
    id_token: fc.constantFrom(null, undefined, 'eyJ.id.token'),
    refresh_token: fc.constantFrom(null, undefined, ''),
  },
  { requiredKeys: ['access_token', 'token_type', 'expires_in'] },
);

const body = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  { weight: 3, arbitrary: validShaped.map((v) => encode(JSON.stringify(v))) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => encode(JSON.stringify(v))) },
  { weight: 5, arbitrary: tokenShaped.map((v) => encode(JSON.stringify(v))) },
  {
    weight: 1,
    // Around the 64 KiB cap: a valid answer padded to just under or just over it.
    arbitrary: fc.integer({ min: MAX_BODY_BYTES - 200, max: MAX_BODY_BYTES + 200 }).map((size) => {
      const head =
        '{"access_token":"eyJ.padded.sig","token_type":"Bearer","expires_in":3600,"pad":"';
      return encode(`${head}${'x'.repeat(Math.max(0, size - head.length - 2))}"}`);
    }),
  },
);

const status = fc.oneof(
  { weight: 4, arbitrary: fc.constant(200) },
  { weight: 2, arbitrary: fc.integer({ min: 200, max: 299 }) },
  { weight: 3, arbitrary: fc.integer({ min: 300, max: 599 }) },
);

const answer: fc.Arbitrary<Answer> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({ kind: fc.constant('response' as const), status, headers, body }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('failing-stream' as const),
      status: status.filter((s) => !NULL_BODY.has(s)),
      prefix: fc.uint8Array({ maxLength: 64 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('throws' as const), value: fc.anything() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('not-a-response' as const),
      value: fc.constantFrom(undefined, null, 0, '', 'text', {}, [], new Blob(['x'])),
    }),
  },
);

function toResponse(a: Answer): Response {
  if (a.kind === 'response') {
    const payload = NULL_BODY.has(a.status) || a.body === null ? null : new Uint8Array(a.body);
    const headers = new Headers();
    for (const [name, value] of a.headers) headers.append(name, value);
    return new Response(payload, { status: a.status, headers });
  }
  if (a.kind === 'failing-stream') {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(a.prefix);
        controller.error(new Error('connection dropped'));
      },
    });
    return new Response(stream, { status: a.status });
  }
  throw new Error('not a Response answer');
}

/** A fetch that gives each attempt the next answer (the last one repeats). */
function scripted(answers: readonly Answer[]): typeof globalThis.fetch {
  let i = 0;
  return async () => {
    const a = answers[Math.min(i++, answers.length - 1)] as Answer;
    if (a.kind === 'throws') throw a.value;
    if (a.kind === 'not-a-response') return a.value as Response;
    return toResponse(a);
  };
}

interface Expected {
  readonly accessToken: string;
  readonly expiresAt: number;
}

/**
 * The documented contract (core README, "How failures are handled"), written
 * independently of the implementation: what a valid answer is.
 */
function oracle(a: Answer): Expected | undefined {
  if (a.kind !== 'response' || a.status < 200 || a.status > 299) return undefined;
  if (NULL_BODY.has(a.status) || a.body === null || a.body.byteLength > MAX_BODY_BYTES)
    return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(a.body));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const fields = parsed as Record<string, unknown>;
  const { access_token, token_type, expires_in } = fields;
  // RFC 6749 A.12: visible ASCII and space only.
  if (typeof access_token !== 'string' || !/^[\x20-\x7e]+$/.test(access_token)) return undefined;
  if (typeof token_type !== 'string' || token_type.toLowerCase() !== 'bearer') return undefined;
  if (typeof expires_in !== 'number' || !(expires_in > 0 && expires_in < 1e9)) return undefined;
  for (const field of ['id_token', 'refresh_token']) {
    const value = fields[field];
    if (value !== null && value !== undefined && typeof value !== 'string') return undefined;
  }
  return { accessToken: access_token, expiresAt: NOW + expires_in * 1000 };
}

const request = (answers: readonly Answer[], maxAttempts: number) =>
  requestToken({
    clientId: 'OQclient',
    clientSecret: 'parser-Secret-3f9a',
    tokenUrl: TOKEN_URL,
    fetch: scripted(answers),
    now: () => NOW,
    timeoutMs: 1_000,
    // No waiting between attempts, whatever Retry-After says.
    retry: { maxAttempts, baseDelayMs: 0, maxRetryAfterMs: 0 },
  });

/** The first attempt's outcome decides, unless it is a retryable failure. */
const retryable = (a: Answer) =>
  a.kind === 'throws' ||
  a.kind === 'not-a-response' ||
  a.kind === 'failing-stream' ||
  a.status === 429 ||
  a.status >= 500;

describe('requestToken against arbitrary answers', () => {
  it('never crashes, rejects only with TokenRequestError, and yields a token only from a valid answer', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(answer, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 3 }),
        async (answers, maxAttempts) => {
          // The answer that decides: the first that is not retried, or the last attempt's.
          let decisive = answers[0] as Answer;
          let attempts = 1;
          for (; attempts < maxAttempts && retryable(decisive); attempts++) {
            decisive = answers[Math.min(attempts, answers.length - 1)] as Answer;
          }
          const expected = oracle(decisive);
          const outcome = await request(answers, maxAttempts).then(
            (token) => ({ token }),
            (error: unknown) => ({ error }),
          );
          if ('token' in outcome) {
            accepted += 1;
            expect(expected).toBeDefined();
            expect(outcome.token.accessToken).toBe(expected?.accessToken);
            expect(outcome.token.expiresAt).toBe(expected?.expiresAt);
            expect(outcome.token.tokenType).toBe('Bearer');
          } else {
            refused += 1;
            expect(expected).toBeUndefined();
            expect(outcome.error).toBeInstanceOf(TokenRequestError);
            const error = outcome.error as TokenRequestError;
            expect(error.attempts).toBe(attempts);
            expect(error.attempts).toBeLessThanOrEqual(maxAttempts);
            if (decisive.kind === 'response' && decisive.status >= 200 && decisive.status < 300) {
              expect(error.code).toBe('invalid_response');
            }
            if (decisive.kind === 'response' && decisive.status === 429) {
              expect(error.code).toBe('rate_limited');
            }
            if (decisive.kind === 'response' && decisive.status >= 500) {
              expect(error.code).toBe('server_error');
            }
            expect(error.message).not.toContain('parser-Secret-3f9a');
          }
        },
      ),
      { numRuns: RUNS },
    );
    // Both outcomes were exercised, so neither branch holds vacuously.
    expect(accepted).toBeGreaterThan(RUNS / 20);
    expect(refused).toBeGreaterThan(RUNS / 4);
    hostile.rows.push({
      fault: `\`requestToken()\` with an injected \`fetch\` answering arbitrary statuses, headers (\`Retry-After\` included) and bodies: random bytes, any JSON, token-shaped objects with odd fields, ~64 KiB bodies, streams that fail midway, a \`fetch\` that throws anything or returns a non-Response; 1–3 attempts`,
      callers:
        'never a crash; rejections are always `TokenRequestError` (2xx → `invalid_response`, 429 → `rate_limited`, 5xx → `server_error`) with the right `attempts`; a token only when the decisive answer is valid by the documented rules, with exactly its `access_token` and `expiresAt` = sent + `expires_in`',
      tokenRequests: `${RUNS} runs`,
      recovery: '—',
    });
  });

  it('quotes nothing from the answer in its errors', async () => {
    const marker = 'Zq9-marker-from-the-body';
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 200, max: 599 }).filter((s) => !NULL_BODY.has(s)),
        fc.constantFrom(
          `{"access_token":"${marker}","token_type":"mac","expires_in":3600}`,
          `{"access_token":"${marker}","token_type":"Bearer","expires_in":"3600"}`,
          `{"error":"invalid_client","error_description":"${marker}"}`,
          `{"error":"${marker} with spaces","error_uri":"${marker}"}`,
          `<html>${marker}</html>`,
          `{"access_token":"${marker}"`,
        ),
        async (code, text) => {
          const answers: Answer[] = [
            { kind: 'response', status: code, headers: [], body: encode(text) },
          ];
          const error = await request(answers, 1).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(TokenRequestError);
          expect(JSON.stringify(error)).not.toContain(marker);
          expect(String(error)).not.toContain(marker);
          expect((error as Error).stack).not.toContain(marker);
        },
      ),
      { numRuns: 100 },
    );
    hostile.rows.push({
      fault:
        'answers carrying a marker in `access_token`, `error_description`, `error_uri`, a malformed `error`, HTML or truncated JSON, any status',
      callers:
        "the error (message, stack, `JSON.stringify`, `String`) never quotes the body. (By design an `error` that is a plain code, `[\\w.-]{1,64}`, passes through as `code` and into the adapters' public message; anything else becomes `invalid_response`.)",
      tokenRequests: '100 runs',
      recovery: '—',
    });
  });

  // Was a bug, found by this suite and fixed in core: the parser accepted any non-empty string as access_token. RFC 6749 (appendix
  // A.12) allows only visible ASCII and space (%x20-7E); a token with CR, LF or NUL
  // cannot go into an Authorization header, and undici's "invalid header value"
  // TypeError then quotes the whole token (see hostile-token.test.ts).
  it('accepts an access_token only if it is RFC 6749 VSCHAR (%x20-7E)', async () => {
    hostile.rows.push({
      fault: '`access_token` with characters outside %x20-7E (CR, LF, NUL, non-ASCII)',
      callers: '`invalid_response`: only %x20-7E tokens are accepted',
      tokenRequests: '—',
      recovery: '—',
    });
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
        async (token) => {
          const text = JSON.stringify({
            access_token: token,
            token_type: 'Bearer',
            expires_in: 60,
          });
          const answers: Answer[] = [
            { kind: 'response', status: 200, headers: [], body: encode(text) },
          ];
          const outcome = await request(answers, 1).then(
            (t) => t.accessToken,
            () => undefined,
          );
          if (outcome !== undefined) expect(outcome).toMatch(/^[\x20-\x7e]+$/);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
