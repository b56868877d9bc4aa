import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TwilioOAuthModule } from '@twilio-oauth/nestjs';
import { twilioClientFactory } from '@twilio-oauth/twilio';
import { apiBaseUrl, sdkApiBaseUrl } from './config';
import { HealthController } from './health.controller';
import { JsonErrorFilter } from './json-error.filter';
import { MessagesController } from './messages.controller';
import { OrgModule, OrgNotConfiguredController } from './org.module';
import { SdkMessagesController } from './sdk-messages.controller';
import { TokenInfoController } from './token-info.controller';

/**
 * The whole app. Settings come from the environment through `@nestjs/config`, as in the
 * README: `TWILIO_CLIENT_ID`, `TWILIO_CLIENT_SECRET`, `TWILIO_ACCOUNT_SID`, and optionally
 * `TWILIO_TOKEN_URL` and `TWILIO_API_BASE_URL` (a mock server's, say); for `/org/users`, an
 * organization app's `TWILIO_ORG_CLIENT_ID`, `TWILIO_ORG_CLIENT_SECRET` and `TWILIO_ORG_SID`
 * (see org.module). Create it with {@link AppModule.register}.
 */
@Module({
  imports: [
    ConfigModule.forRoot(),
    TwilioOAuthModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        clientId: config.getOrThrow('TWILIO_CLIENT_ID'),
        clientSecret: config.getOrThrow('TWILIO_CLIENT_SECRET'),
        tokenUrl: config.get('TWILIO_TOKEN_URL'),
        // The bearer may go to Twilio and to the configured API host.
        allowedHosts: [new URL(apiBaseUrl(config)).hostname, '*.twilio.com'],
        // TwilioOAuthService.client: the twilio SDK on this manager (see sdk-messages.controller).
        sdkClient: sdkClient(config),
      }),
    }),
  ],
  controllers: [HealthController, TokenInfoController, MessagesController, SdkMessagesController],
  providers: [{ provide: APP_FILTER, useClass: JsonErrorFilter }],
})
export class AppModule {
  /**
   * The app, with `/org/users` on the organization app (`TWILIO_ORG_*`, see org.module) when
   * `organization` is true, or a 501 on every `/org` path when it is not.
   */
  static register({ organization }: { organization: boolean }): DynamicModule {
    return organization
      ? { module: AppModule, imports: [OrgModule] }
      : { module: AppModule, controllers: [OrgNotConfiguredController] };
  }
}

/** The SDK's client factory: Twilio's hosts, or all of them moved onto a configured mock. */
function sdkClient(config: ConfigService) {
  const base = sdkApiBaseUrl(config);
  return twilioClientFactory({
    accountSid: config.getOrThrow<string>('TWILIO_ACCOUNT_SID'),
    ...(base === undefined ? {} : { apiBaseUrl: base }),
  });
}
