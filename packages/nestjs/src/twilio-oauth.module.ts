import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { instanceToken } from './twilio-oauth.constants';
import { FROM_FACTORY, type InstanceShape, instanceProviders } from './twilio-oauth.providers';
import { getTwilioOAuthOptionsToken } from './twilio-oauth.tokens';
import type {
  TwilioOAuthModuleAsyncOptions,
  TwilioOAuthModuleForRootOptions,
  TwilioOAuthOptionsFactory,
} from './twilio-oauth-options.interface';

/**
 * Twilio OAuth tokens for a Nest application: `forRoot()` / `forRootAsync()` register an
 * instance — the default one, or a named one beside it — whose options are validated while the
 * application boots (a bad one fails the start, naming the option, never its value).
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     TwilioOAuthModule.forRoot({ clientId: process.env.TWILIO_CLIENT_ID!, clientSecret: process.env.TWILIO_CLIENT_SECRET! }),
 *     TwilioOAuthModule.forRoot({ name: 'org', clientId: process.env.ORG_CLIENT_ID!, clientSecret: process.env.ORG_CLIENT_SECRET! }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({})
export class TwilioOAuthModule {
  /**
   * Registers an instance with options known now: manager options, `{ manager }` or
   * `{ forRequest }`, plus `name`, `isGlobal` and `sdkClient` ({@link TwilioOAuthModuleExtras}).
   */
  static forRoot(options: TwilioOAuthModuleForRootOptions): DynamicModule {
    const { name, isGlobal, sdkClient, ...rest } = options;
    const shape = { name, sdkClient, perRequest: 'forRequest' in rest };
    const provided: Provider[] = [
      { provide: getTwilioOAuthOptionsToken(name), useValue: rest },
      { provide: instanceToken('factory-deps', name), useValue: [] },
    ];
    return instanceModule(shape, isGlobal, provided, []);
  }

  /**
   * Registers an instance whose options are computed at bootstrap: `useFactory` (with
   * `inject`), `useClass` or `useExisting`; `imports` for what they need; `perRequest: true`
   * when they are `{ forRequest }`.
   *
   * @example
   * ```ts
   * TwilioOAuthModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({
   *     clientId: config.getOrThrow('TWILIO_CLIENT_ID'),
   *     clientSecret: config.getOrThrow('TWILIO_CLIENT_SECRET'),
   *   }),
   * });
   * ```
   */
  static forRootAsync(options: TwilioOAuthModuleAsyncOptions): DynamicModule {
    const { name, isGlobal, sdkClient, perRequest = false, imports = [] } = options;
    const factoryClass = options.useClass ?? options.useExisting;
    const factory: InstanceShape['factory'] = options.useFactory
      ? (options.useFactory as NonNullable<InstanceShape['factory']>)
      : (f: TwilioOAuthOptionsFactory) => f.createTwilioOAuthOptions();
    const provided: Provider[] = [
      // "Ask the factory": the factory itself runs when the instance's service is made, so a
      // test that overrides the service (or this token, with the mock's options) never runs it.
      { provide: getTwilioOAuthOptionsToken(name), useValue: FROM_FACTORY },
      {
        provide: instanceToken('factory-deps', name),
        useFactory: (...deps: unknown[]) => deps,
        inject: options.useFactory ? (options.inject ?? []) : factoryClass ? [factoryClass] : [],
      },
    ];
    if (options.useClass) provided.push({ provide: options.useClass, useClass: options.useClass });
    return instanceModule({ name, sdkClient, perRequest, factory }, isGlobal, provided, imports);
  }
}

function instanceModule(
  shape: InstanceShape,
  isGlobal: boolean | undefined,
  optionsProviders: Provider[],
  imports: NonNullable<DynamicModule['imports']>,
): DynamicModule {
  const { providers, exports } = instanceProviders(shape);
  return {
    module: TwilioOAuthModule,
    global: isGlobal ?? false,
    imports,
    providers: [...optionsProviders, ...providers],
    exports,
  };
}
