import { Controller, Get, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

// Plain JavaScript has no decorator syntax here, so the decorators are applied
// by hand, as TypeScript's output would: class decorators called with the class,
// method decorators through Reflect.decorate, constructor injection via Inject.

function decorateMethod(target, key, decorators) {
  const descriptor = Object.getOwnPropertyDescriptor(target.prototype, key);
  Object.defineProperty(
    target.prototype,
    key,
    Reflect.decorate(decorators, target.prototype, key, descriptor),
  );
}

/**
 * A Nest application serving GET /ping ({ ok: true }), GET /token (a cached token's expiry) and
 * GET /check; with `module`, it imports TwilioOAuthModule (sharing `manager`) and injects
 * TwilioOAuthService into the controller, which /token and /check use; without, /token awaits
 * `manager` itself and /check answers null.
 */
export async function createNestApp(manager, { module = true } = {}) {
  const imports = [];
  let Service;
  if (module) {
    const nest = await import('@twilio-oauth/nestjs');
    imports.push(nest.TwilioOAuthModule.forRoot({ manager }));
    Service = nest.TwilioOAuthService;
  }

  class PingController {
    constructor(twilio) {
      this.twilio = twilio;
    }
    ping() {
      return { ok: true };
    }
    async token() {
      return { expiresAt: (await (this.twilio ?? manager).getToken()).expiresAt };
    }
    async check() {
      return { expiresAt: this.twilio ? (await this.twilio.getToken()).expiresAt : null };
    }
  }
  decorateMethod(PingController, 'ping', [Get('ping')]);
  decorateMethod(PingController, 'token', [Get('token')]);
  decorateMethod(PingController, 'check', [Get('check')]);
  if (Service) {
    Inject(Service)(PingController, undefined, 0);
    Reflect.defineMetadata('design:paramtypes', [Service], PingController);
  }
  Controller()(PingController);

  class AppModule {}
  Module({ imports, controllers: [PingController] })(AppModule);
  return NestFactory.create(AppModule, { logger: false });
}
