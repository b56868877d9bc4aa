import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TwilioOAuthModule } from '@twilio-oauth/nestjs';
import { twilioClientFactory } from '@twilio-oauth/twilio';
import { apiBaseUrl } from './config.js';
import { HealthController } from './health.controller.js';
import { JsonErrorFilter } from './json-error.filter.js';
import { MessagesController } from './messages.controller.js';
import { SdkMessagesController } from './sdk-messages.controller.js';
import { TokenInfoController } from './token-info.controller.js';

/**
 * The whole app. Settings come from the environment through `@nestjs/config`, as in the
 * README: `TWILIO_CLIENT_ID`, `TWILIO_CLIENT_SECRET`, `TWILIO_ACCOUNT_SID`, and optionally
 * `TWILIO_TOKEN_URL` and `TWILIO_API_BASE_URL` (a mock server's, say).
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
export class AppModule {}

/** The SDK's client factory: Twilio's hosts, or all of them moved onto a configured mock. */
function sdkClient(config: ConfigService) {
  const base = apiBaseUrl(config);
  const host = new URL(base).hostname;
  const onTwilio = host === 'twilio.com' || host.endsWith('.twilio.com');
  return twilioClientFactory({
    accountSid: config.getOrThrow<string>('TWILIO_ACCOUNT_SID'),
    ...(onTwilio ? {} : { apiBaseUrl: base }),
  });
}
