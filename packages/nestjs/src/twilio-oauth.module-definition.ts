import { ConfigurableModuleBuilder } from '@nestjs/common';
import {
  TWILIO_CLIENT,
  TWILIO_CLIENT_FACTORY,
  TWILIO_OAUTH_MODULE_OPTIONS,
} from './twilio-oauth.constants.js';
import { TwilioOAuthService } from './twilio-oauth.service.js';
import type {
  TwilioOAuthModuleExtras,
  TwilioOAuthModuleOptions,
} from './twilio-oauth-options.interface.js';

const extras: TwilioOAuthModuleExtras = { isGlobal: false, client: undefined };

// The builder generates forRoot/forRootAsync (factory, class and existing-provider forms) and
// strips `isGlobal` from the options value before it is provided.
export const { ConfigurableModuleClass: ConfigurableTwilioOAuthModule } =
  new ConfigurableModuleBuilder<TwilioOAuthModuleOptions>({
    optionsInjectionToken: TWILIO_OAUTH_MODULE_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createTwilioOAuthOptions')
    .setExtras(extras, (definition, { isGlobal, client }) => ({
      ...definition,
      global: isGlobal,
      // With a client factory, the SDK client is a provider too (@InjectTwilioClient()).
      providers: [
        ...(definition.providers ?? []),
        { provide: TWILIO_CLIENT_FACTORY, useValue: client },
        ...(client
          ? [
              {
                provide: TWILIO_CLIENT,
                useFactory: (service: TwilioOAuthService) => service.client,
                inject: [TwilioOAuthService],
              },
            ]
          : []),
      ],
      exports: [...(definition.exports ?? []), ...(client ? [TWILIO_CLIENT] : [])],
    }))
    .build();
