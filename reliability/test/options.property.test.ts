// Property tests of option validation: arbitrary values for every option (and
// for the options object itself) either build a manager or throw an
// InvalidOptionsError naming a known option, never echoing the secret.
import {
  InvalidOptionsError,
  requestToken,
  TokenManager,
  type TokenManagerOptions,
  TokenRequestError,
} from '@twilio-oauth/core';
import { TokenManagerPool } from '@twilio-oauth/core/pool';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { section, writeResults } from './helpers/results';

const RUNS = 1_000;
const SECRET = 'opt-Secret-7d1e0c';

const options = section(
  51,
  'Option validation',
  `\`new TokenManager(options)\` with arbitrary values (fast-check \`anything()\`: objects, arrays, symbols, bigints, functions, prototypes-less objects…) for every option, mixed with valid ones; ${RUNS} runs per property.`,
);
afterAll(() => writeResults('options', [options]));

const OPTION_NAMES = new Set([
  'clientId',
  'clientSecret',
  'tokenUrl',
  'scope',
  'clientAuthMethod',
  'fetch',
  'timeoutMs',
  'retry.maxAttempts',
  'retry.baseDelayMs',
  'retry.maxDelayMs',
  'retry.maxRetryAfterMs',
  'now',
  'onEvent',
  'store',
  'expiryBufferSeconds',
  'refreshAheadSeconds',
  'allowedHosts',
  'lockWaitMs',
]);

const weird = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  maxDepth: 2,
});

/** A valid value for each option, so that one bad option at a time gets exercised too. */
const validValue: Record<string, fc.Arbitrary<unknown>> = {
  clientId: fc.constant('OQ0123'),
  clientSecret: fc.constant(SECRET),
  tokenUrl: fc.constantFrom(
    'https://oauth.twilio.com/v2/token',
    'http://127.0.0.1:9/t',
    'http://[::1]/t',
  ),
  scope: fc.constantFrom(undefined, 'a b'),
  clientAuthMethod: fc.constantFrom('client_secret_post', 'client_secret_basic'),
  fetch: fc.constant(async () => new Response('{}')),
  timeoutMs: fc.integer({ min: 1, max: 60_000 }),
  retry: fc.record(
    {
      maxAttempts: fc.integer({ min: 1, max: 5 }),
      baseDelayMs: fc.nat(),
      maxDelayMs: fc.nat(),
      maxRetryAfterMs: fc.nat(),
    },
    { requiredKeys: [] },
  ),
  now: fc.constant(() => 0),
  onEvent: fc.constant(() => {}),
  expiryBufferSeconds: fc.nat(600),
  refreshAheadSeconds: fc.nat(600),
  allowedHosts: fc.constantFrom(['*.twilio.com'], ['127.0.0.1', '[::1]'], []),
  lockWaitMs: fc.nat(10_000),
};

/**
 * Options where each field is absent, valid, or anything at all. `clientAuthMethod`
 * takes strings only here: non-string values have a property of their own below.
 */
const arbitraryOptions: fc.Arbitrary<Record<string, unknown>> = fc.record(
  Object.fromEntries(
    Object.entries(validValue).map(([name, valid]) => [
      name,
      fc.oneof(
        { weight: 12, arbitrary: valid },
        { weight: 1, arbitrary: name === 'clientAuthMethod' ? fc.string() : weird },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
      ),
    ]),
  ),
  { requiredKeys: [] },
);

const anyOptions = fc.oneof(
  { weight: 8, arbitrary: arbitraryOptions },
  { weight: 1, arbitrary: weird },
  // Extra fields the manager does not know about.
  {
    weight: 1,
    arbitrary: fc
      .tuple(arbitraryOptions, fc.dictionary(fc.string(), weird, { maxKeys: 3 }))
      .map(([known, extra]) => ({ ...extra, ...known })),
  },
);

function expectOnlyInvalidOptions(build: () => unknown): 'built' | 'refused' {
  try {
    build();
    return 'built';
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    const e = error as InvalidOptionsError;
    expect(OPTION_NAMES.has(e.option), e.option).toBe(true);
    expect(e.message).toContain(`"${e.option}"`);
    for (const shown of [e.message, JSON.stringify(e), String(e)])
      expect(shown).not.toContain(SECRET);
    return 'refused';
  }
}

describe('option validation', () => {
  it('new TokenManager(anything) builds or throws InvalidOptionsError naming a known option', () => {
    const seen = { built: 0, refused: 0 };
    fc.assert(
      fc.property(anyOptions, (given) => {
        seen[expectOnlyInvalidOptions(() => new TokenManager(given as TokenManagerOptions))] += 1;
      }),
      { numRuns: RUNS },
    );
    expect(seen.built).toBeGreaterThan(RUNS / 50);
    expect(seen.refused).toBeGreaterThan(RUNS / 4);
    options.rows.push({
      fault: '`new TokenManager(arbitrary)`',
      callers: `only \`InvalidOptionsError\`, whose \`option\` is a real option name quoted in the message; the secret never appears in message, \`JSON.stringify\` or \`String\` (both outcomes exercised)`,
      tokenRequests: '0 (construction makes none)',
      recovery: '—',
    });
  });

  // Was a bug, found by this suite and fixed in core: exchangeConfig() (packages/core/src/options.ts) checks clientAuthMethod with
  // `method && /^client_secret_(post|basic)$/.test(method)`: the regex converts the value
  // to a string first, so a Symbol or an object without a usable toString() throws a
  // TypeError (and a throwing toString() lets its error out); ['client_secret_basic'] is
  // accepted (then used as client_secret_post); falsy values (false, 0, '', null) are
  // silently taken as the default.
  it('new TokenManager({ clientAuthMethod: anything }) builds or throws InvalidOptionsError', () => {
    options.rows.push({
      fault: '`clientAuthMethod` that is not a string (Symbol, `[Object.create(null)]`, …)',
      callers: '`InvalidOptionsError` (`clientAuthMethod`); only the two documented methods build',
      tokenRequests: '—',
      recovery: '—',
    });
    fc.assert(
      fc.property(weird, (clientAuthMethod) => {
        const given = { clientId: 'OQ0123', clientSecret: SECRET, clientAuthMethod };
        const outcome = expectOnlyInvalidOptions(
          () => new TokenManager(given as TokenManagerOptions),
        );
        // Only the two documented methods are accepted.
        if (outcome === 'built')
          expect([undefined, 'client_secret_post', 'client_secret_basic']).toContain(
            clientAuthMethod,
          );
      }),
      { numRuns: RUNS },
    );
  });

  it('requestToken(anything) rejects only with InvalidOptionsError or TokenRequestError', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryOptions, async (given) => {
        // Whatever else is given, the exchange itself fails fast and without waiting.
        // Arbitrary input: typed as what it is, unknown, until it is handed over.
        const merged: unknown = {
          ...given,
          fetch: async () => new Response('nope', { status: 400 }),
          retry: { maxAttempts: 1 },
        };
        const outcome = await requestToken(merged as TokenManagerOptions).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (outcome instanceof InvalidOptionsError) {
          expect(OPTION_NAMES.has(outcome.option)).toBe(true);
          expect(outcome.message).not.toContain(SECRET);
        } else {
          expect(outcome).toBeInstanceOf(TokenRequestError);
        }
      }),
      { numRuns: RUNS / 4 },
    );
    options.rows.push({
      fault: '`requestToken(arbitrary)` (with a stub `fetch`)',
      callers:
        'rejects with `InvalidOptionsError` (a known option) or, for valid options, `TokenRequestError`; never anything else',
      tokenRequests: '≤ 1 per run',
      recovery: '—',
    });
  });

  // Was a bug, found by this suite and fixed in core: TokenManagerPool.get() derives the credential key and a fingerprint of the
  // options (JSON.stringify) before it validates them, so options that the manager
  // itself accepts or refuses cleanly make it throw a TypeError instead: a BigInt or a
  // circular object in any field ("Do not know how to serialize a BigInt", "Converting
  // circular structure to JSON"), a Symbol clientId ("Cannot convert a Symbol value to
  // a string"). The Express and Hono function forms go through the pool, so such
  // options answer every request with a 500 (e.g. `(req) => ({ ...base, req })`).
  it('TokenManagerPool.get(anything) builds or throws InvalidOptionsError', () => {
    options.rows.push({
      fault: '`new TokenManagerPool().get(arbitrary)` (Express and Hono function forms)',
      callers:
        'builds, or `InvalidOptionsError` naming the option, as `new TokenManager()` does; extra fields (a request object) are ignored',
      tokenRequests: '—',
      recovery: '—',
    });
    const pool = new TokenManagerPool();
    fc.assert(
      fc.property(anyOptions, (given) => {
        expectOnlyInvalidOptions(() => pool.get(given as TokenManagerOptions));
      }),
      { numRuns: RUNS },
    );
  });

  it('bad values are named, for each option in turn', () => {
    const base = { clientId: 'OQ0123', clientSecret: SECRET };
    const cases: readonly [string, Record<string, unknown>][] = [
      ['clientId', { clientId: '' }],
      ['clientSecret', { clientSecret: 42 }],
      ['tokenUrl', { tokenUrl: 'http://oauth.twilio.com/v2/token' }],
      ['tokenUrl', { tokenUrl: 'not a url' }],
      ['tokenUrl', { tokenUrl: `https://user:${SECRET}@[::1` }],
      ['timeoutMs', { timeoutMs: 0 }],
      ['timeoutMs', { timeoutMs: Number.POSITIVE_INFINITY }],
      ['retry.maxAttempts', { retry: { maxAttempts: 0.5 } }],
      ['retry.baseDelayMs', { retry: { baseDelayMs: -1 } }],
      ['allowedHosts', { allowedHosts: ['https://api.twilio.com'] }],
      ['allowedHosts', { allowedHosts: 'api.twilio.com' }],
      ['store', { store: {} }],
      ['now', { now: 5 }],
    ];
    for (const [option, bad] of cases) {
      let thrown: unknown;
      try {
        new TokenManager({ ...base, ...bad } as TokenManagerOptions);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, option).toBeInstanceOf(InvalidOptionsError);
      expect((thrown as InvalidOptionsError).option, option).toBe(option);
      expect((thrown as Error).message).not.toContain(SECRET);
    }
  });
});
