import { type InjectionToken, Logger, type Provider } from '@nestjs/common';
import { InvalidOptionsError } from '@twilio-oauth/core';
import {
  type AdapterKernel,
  adapterKernel,
  type SdkClientFactory,
} from '@twilio-oauth/core/adapter';
import { instanceToken } from './twilio-oauth.constants';
import { toHttpException } from './twilio-oauth.exceptions';
import { TwilioOAuthService } from './twilio-oauth.service';
import { TwilioOAuthTenants } from './twilio-oauth.tenants';
import {
  getTwilioClientToken,
  getTwilioOAuthOptionsToken,
  getTwilioOAuthServiceToken,
  getTwilioTokenManagerToken,
} from './twilio-oauth.tokens';
import type {
  TwilioOAuthModuleOptions,
  TwilioOAuthRequest,
} from './twilio-oauth-options.interface';

/** The context of the module's log lines (`[TwilioOAuth]` in Nest's console output). */
const LOG_CONTEXT = 'TwilioOAuth';

/** How one instance is registered: what `forRoot` / `forRootAsync` know before bootstrap. */
export interface InstanceShape {
  readonly name: string | undefined;
  readonly perRequest: boolean;
  readonly sdkClient: SdkClientFactory | undefined;
  /**
   * `forRootAsync`'s way to the options, given what its `inject` resolved to: run when the
   * instance's service is made, so that a test overriding the service never runs it.
   */
  readonly factory?: (
    ...deps: never[]
  ) => TwilioOAuthModuleOptions | Promise<TwilioOAuthModuleOptions>;
}

/**
 * What the options token holds for `forRootAsync` until a test overrides it: "ask the factory".
 * Any other value (`forRoot`'s options, a test's `useValue`) is used as it is.
 */
export const FROM_FACTORY: unique symbol = Symbol.for('@twilio-oauth/nestjs:from-factory');

/** The kernel of each service or tenants object the module made (a test's fake has none). */
const kernels = new WeakMap<object, AdapterKernel<never>>();

/**
 * The kernel of an instance, made while the application boots: bad options fail the start with
 * core's `InvalidOptionsError`, naming the option, never its value.
 *
 * @throws {InvalidOptionsError} as `adapterKernel`; `options` when they are no object;
 *   `forRequest` when the form differs from the registration's (`perRequest`) or is no function.
 */
export function instanceKernel(
  options: TwilioOAuthModuleOptions,
  shape: InstanceShape,
): AdapterKernel<TwilioOAuthRequest> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionsError(
      'options',
      'must be TokenManager options, { manager } or { forRequest }',
    );
  }
  const { sdkClient, ...rest } = options;
  const perRequest = 'forRequest' in rest;
  if (perRequest !== shape.perRequest) {
    throw new InvalidOptionsError(
      'forRequest',
      shape.perRequest
        ? 'missing: forRootAsync({ perRequest: true }) needs a factory returning { forRequest }'
        : 'needs forRootAsync({ perRequest: true, ... }), so that TwilioOAuthTenants is provided',
    );
  }
  const logger = new Logger(LOG_CONTEXT);
  const settings = {
    toHttpError: toHttpException,
    logger: { warn: (line: string) => logger.warn(line), info: (line: string) => logger.log(line) },
    sdkClient: shape.sdkClient ?? sdkClient,
  };
  if (!('forRequest' in rest)) return adapterKernel(rest, settings);
  const { forRequest, ...others } = rest;
  if (typeof forRequest !== 'function') {
    throw new InvalidOptionsError('forRequest', 'must be a function (request) => options');
  }
  const other = Object.entries(others).find(([, value]) => value !== undefined)?.[0];
  if (other !== undefined)
    throw new InvalidOptionsError(other, 'cannot be combined with "forRequest"');
  return adapterKernel((request: TwilioOAuthRequest) => forRequest(request), settings);
}

/** The providers of one instance beside its options provider, and the tokens it exports. */
export function instanceProviders(shape: InstanceShape): {
  providers: Provider[];
  exports: InjectionToken[];
} {
  const { name } = shape;
  const service = getTwilioOAuthServiceToken(name);
  // The options (or the factory's dependencies) are read by the service's own provider: a test
  // that overrides the service replaces the only place the factory runs.
  const kernelOf = async (given: unknown, deps: never[]) => {
    const options = given === FROM_FACTORY && shape.factory ? await shape.factory(...deps) : given;
    return instanceKernel(options as TwilioOAuthModuleOptions, shape);
  };
  const inject = [getTwilioOAuthOptionsToken(name), instanceToken('factory-deps', name)];
  const made = <T extends object>(kernel: AdapterKernel<never>, value: T): T => {
    kernels.set(value, kernel);
    return value;
  };
  if (shape.perRequest) {
    const tenants = name === undefined ? TwilioOAuthTenants : service;
    const provider: Provider = {
      provide: tenants,
      useFactory: async (given: unknown, deps: never[]) => {
        const kernel = await kernelOf(given, deps);
        return made(kernel, new TwilioOAuthTenants(kernel as AdapterKernel<TwilioOAuthRequest>));
      },
      inject,
    };
    return { providers: [provider], exports: [tenants] };
  }
  const manager = getTwilioTokenManagerToken(name);
  const providers: Provider[] = [
    {
      provide: service,
      useFactory: async (given: unknown, deps: never[]) => {
        const kernel = await kernelOf(given, deps);
        return made(kernel, new TwilioOAuthService(kernel));
      },
      inject,
    },
    {
      provide: manager,
      // A test's fake service has no manager of the module's: override this token too if the
      // code under test injects it.
      useFactory: (s: object) => kernels.get(s)?.manager,
      inject: [service],
    },
  ];
  const exported: InjectionToken[] = [service, manager];
  if (shape.sdkClient) {
    const client = getTwilioClientToken(name);
    providers.push({
      provide: client,
      useFactory: (s: TwilioOAuthService) => s.client,
      inject: [service],
    });
    exported.push(client);
  }
  return { providers, exports: exported };
}
