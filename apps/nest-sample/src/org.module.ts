import { All, Controller, HttpException, HttpStatus, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TwilioOAuthModule } from '@twilio-oauth/nestjs';
import { twilioClientFactory } from '@twilio-oauth/twilio';
import { apiBaseUrl, sdkApiBaseUrl } from './config';
import { OrgUsersController } from './org-users.controller';

/**
 * The organization app as the named instance 'org' (its own manager, closed on shutdown, and its
 * SDK client, with no account SID: the Organizations API needs none), and `/org/users` on it.
 */
@Module({
  imports: [
    ConfigModule,
    TwilioOAuthModule.forRootAsync({
      name: 'org',
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const base = sdkApiBaseUrl(config);
        return {
          clientId: config.getOrThrow('TWILIO_ORG_CLIENT_ID'),
          clientSecret: config.getOrThrow('TWILIO_ORG_CLIENT_SECRET'),
          tokenUrl: config.get('TWILIO_TOKEN_URL'),
          allowedHosts: [new URL(apiBaseUrl(config)).hostname, '*.twilio.com'],
          sdkClient: twilioClientFactory(base === undefined ? {} : { apiBaseUrl: base }),
        };
      },
    }),
  ],
  controllers: [OrgUsersController],
})
export class OrgModule {}

export const ORG_NOT_CONFIGURED =
  'Organizations API not configured: set TWILIO_ORG_CLIENT_ID, TWILIO_ORG_CLIENT_SECRET and TWILIO_ORG_SID';

/** Without an organization app: every `/org` path answers 501 saying what to set. */
@Controller('org')
export class OrgNotConfiguredController {
  @All(['', '*path'])
  notConfigured(): never {
    throw new HttpException(ORG_NOT_CONFIGURED, HttpStatus.NOT_IMPLEMENTED);
  }
}
