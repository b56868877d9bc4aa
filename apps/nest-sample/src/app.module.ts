import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TwilioOAuthModule, type TwilioOAuthModuleOptions } from '@twilio-oauth/nestjs';
import type { AppConfig, TwilioSettings } from './config.js';
import { HealthController } from './health.controller.js';
import { JsonErrorFilter } from './json-error.filter.js';
import { MessagesController } from './messages.controller.js';
import { TokenInfoController } from './token-info.controller.js';

/** Module options from the settings: the bearer may go to Twilio and to the configured API host. */
export function twilioOAuthOptions(twilio: TwilioSettings): TwilioOAuthModuleOptions {
  return {
    clientId: twilio.clientId,
    clientSecret: twilio.clientSecret,
    tokenUrl: twilio.tokenUrl,
    allowedHosts: [new URL(twilio.apiBaseUrl).hostname, '*.twilio.com'],
  };
}

@Module({})
export class AppModule {
  /** The whole app, configured from `twilio` through `@nestjs/config`. */
  static forRoot(twilio: TwilioSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          // Everything comes from `twilio` (read from the environment by config.ts, or the mock's).
          skipProcessEnv: true,
          load: [(): AppConfig => ({ twilio })],
        }),
        TwilioOAuthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService<AppConfig, true>) =>
            twilioOAuthOptions(config.get('twilio', { infer: true })),
        }),
      ],
      controllers: [HealthController, TokenInfoController, MessagesController],
      providers: [{ provide: APP_FILTER, useClass: JsonErrorFilter }],
    };
  }
}
