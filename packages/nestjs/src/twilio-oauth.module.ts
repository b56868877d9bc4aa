import { type DynamicModule, Module } from '@nestjs/common';
import { TWILIO_TOKEN_MANAGER } from './twilio-oauth.constants.js';
import { ConfigurableTwilioOAuthModule } from './twilio-oauth.module-definition.js';
import { tokenManagerProvider } from './twilio-oauth.providers.js';
import { TwilioOAuthService } from './twilio-oauth.service.js';
import type {
  TwilioOAuthModuleAsyncOptions,
  TwilioOAuthModuleForRootOptions,
} from './twilio-oauth-options.interface.js';

/**
 * Nest module providing {@link TwilioOAuthService} and the underlying `TokenManager`
 * ({@link TWILIO_TOKEN_MANAGER}). Options are validated while the application boots: bad ones
 * fail the start with an `InvalidOptionsError` naming the option, never its value.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     TwilioOAuthModule.forRoot({
 *       clientId: process.env.TWILIO_CLIENT_ID!,
 *       clientSecret: process.env.TWILIO_CLIENT_SECRET!,
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({
  providers: [tokenManagerProvider, TwilioOAuthService],
  exports: [TwilioOAuthService, TWILIO_TOKEN_MANAGER],
})
export class TwilioOAuthModule extends ConfigurableTwilioOAuthModule {
  /**
   * Registers the module with static options: core `TokenManagerOptions` (`clientId`,
   * `clientSecret`, optional `tokenUrl`, `allowedHosts`, `retry`, …) or `{ manager }` to share an
   * existing `TokenManager`; plus `isGlobal` (default `false`).
   *
   * @example
   * ```ts
   * TwilioOAuthModule.forRoot({ clientId, clientSecret, isGlobal: true });
   * ```
   */
  static override forRoot(options: TwilioOAuthModuleForRootOptions): DynamicModule {
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = TwilioOAuthModule, which the generated method puts in `module:`
    return super.forRoot(options);
  }

  /**
   * Registers the module with options computed at bootstrap: `useFactory` (with `inject`),
   * `useClass` or `useExisting` (a {@link TwilioOAuthOptionsFactory}); `imports` for what they
   * need; `isGlobal` (default `false`).
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
  static override forRootAsync(options: TwilioOAuthModuleAsyncOptions): DynamicModule {
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = TwilioOAuthModule, which the generated method puts in `module:`
    return super.forRootAsync(options);
  }
}
