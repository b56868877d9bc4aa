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
 * A Nest application serving GET /ping ({ ok: true }) and GET /check; with
 * `manager`, it imports TwilioOAuthModule (sharing that manager) and injects
 * TwilioOAuthService into the controller, which /check uses.
 */
export async function createNestApp(manager) {
  const imports = [];
  let Service;
  if (manager) {
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
    async check() {
      return { expiresAt: this.twilio ? (await this.twilio.getToken()).expiresAt : null };
    }
  }
  decorateMethod(PingController, 'ping', [Get('ping')]);
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
