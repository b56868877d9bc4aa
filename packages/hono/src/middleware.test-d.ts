import type { AccessToken, TokenManager } from '@twilio-oauth/core';
import { Hono, type MiddlewareHandler } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import { type TwilioOAuthEnv, type TwilioOAuthHandle, twilioOAuth } from './index';

const options = { clientId: 'OQ1', clientSecret: 's' };

describe('c.var.twilio', () => {
  it('is typed without a cast in a chained app', () => {
    new Hono().use(twilioOAuth(options)).get('/', async (c) => {
      expectTypeOf(c.var.twilio).toEqualTypeOf<TwilioOAuthHandle>();
      expectTypeOf(c.get('twilio')).toEqualTypeOf<TwilioOAuthHandle>();
      expectTypeOf(c.var.twilio.getToken()).resolves.toEqualTypeOf<AccessToken>();
      expectTypeOf(c.var.twilio.getAuthorizationHeader()).resolves.toBeString();
      expectTypeOf(c.var.twilio.fetch).parameters.toEqualTypeOf<
        [input: RequestInfo | URL, init?: RequestInit]
      >();
      expectTypeOf(c.var.twilio.fetch('https://api.twilio.com')).resolves.toEqualTypeOf<Response>();
      return c.text('ok');
    });
  });

  it('is typed on a route-level middleware', () => {
    new Hono().get('/', twilioOAuth(options), (c) => {
      expectTypeOf(c.var.twilio).toEqualTypeOf<TwilioOAuthHandle>();
      return c.text('ok');
    });
  });

  it('is typed in every route of an app declared with TwilioOAuthEnv', () => {
    const app = new Hono<TwilioOAuthEnv>();
    app.use(twilioOAuth(options));
    app.get('/', (c) => {
      expectTypeOf(c.var.twilio).toEqualTypeOf<TwilioOAuthHandle>();
      return c.text('ok');
    });
  });

  it('is absent where the middleware is not installed', () => {
    new Hono().get('/', (c) => {
      expectTypeOf(c.var).not.toHaveProperty('twilio');
      return c.text('ok');
    });
  });
});

describe('a second credential', () => {
  it('is typed on the variable named by `as`, beside c.var.twilio', () => {
    new Hono()
      .use(twilioOAuth(options))
      .use(twilioOAuth(options, { as: 'twilioOrg' }))
      .get('/', (c) => {
        expectTypeOf(c.var.twilio).toEqualTypeOf<TwilioOAuthHandle>();
        expectTypeOf(c.var.twilioOrg).toEqualTypeOf<TwilioOAuthHandle>();
        expectTypeOf(c.var).not.toHaveProperty('twilioTypo');
        return c.text('ok');
      });
    new Hono().use(twilioOAuth(options, { as: 'twilioOrg' })).get('/', (c) => {
      expectTypeOf(c.var).not.toHaveProperty('twilio');
      return c.text('ok');
    });
    const app = new Hono<TwilioOAuthEnv & TwilioOAuthEnv<'twilioOrg'>>();
    app.get('/', (c) => {
      expectTypeOf(c.var.twilioOrg).toEqualTypeOf<TwilioOAuthHandle>();
      return c.text('ok');
    });
  });
});

describe('twilioOAuth()', () => {
  type Bindings = { TWILIO_CLIENT_ID: string; TWILIO_CLIENT_SECRET: string };

  it('types c.env in the options factory and keeps the bindings on the app', () => {
    const middleware = twilioOAuth<{ Bindings: Bindings }>((c) => {
      expectTypeOf(c.env).toEqualTypeOf<Bindings>();
      return { clientId: c.env.TWILIO_CLIENT_ID, clientSecret: c.env.TWILIO_CLIENT_SECRET };
    });
    new Hono<{ Bindings: Bindings }>().use(middleware).get('/', (c) => {
      expectTypeOf(c.env).toEqualTypeOf<Bindings>();
      expectTypeOf(c.var.twilio).toEqualTypeOf<TwilioOAuthHandle>();
      return c.text('ok');
    });
  });

  it('accepts a manager and returns a Hono middleware', () => {
    const manager = {} as TokenManager;
    expectTypeOf(twilioOAuth({ manager })).toExtend<MiddlewareHandler>();
  });

  it('has close()', () => {
    expectTypeOf(twilioOAuth(options).close).toEqualTypeOf<() => Promise<void>>();
  });

  it('rejects what is not options', () => {
    // @ts-expect-error clientSecret is required
    twilioOAuth({ clientId: 'OQ1' });
    // @ts-expect-error the factory must return options
    twilioOAuth(() => 'OQ1');
  });
});

describe('a second credential from c.env', () => {
  type Bindings = { ORG_CLIENT_ID: string; ORG_CLIENT_SECRET: string };

  it('takes the Env and the name as type arguments together', () => {
    const org = twilioOAuth<{ Bindings: Bindings }, 'twilioOrg'>(
      (c) => ({ clientId: c.env.ORG_CLIENT_ID, clientSecret: c.env.ORG_CLIENT_SECRET }),
      { as: 'twilioOrg' },
    );
    new Hono<{ Bindings: Bindings }>().use(org).get('/', (c) => {
      expectTypeOf(c.var.twilioOrg).toEqualTypeOf<TwilioOAuthHandle>();
      return c.text('ok');
    });
    // @ts-expect-error the name is the second type argument, 'twilio' unless given
    twilioOAuth<{ Bindings: Bindings }>(() => options, { as: 'twilioOrg' });
  });
});
