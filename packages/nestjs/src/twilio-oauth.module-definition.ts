import { ConfigurableModuleBuilder } from '@nestjs/common';
import { TWILIO_OAUTH_MODULE_OPTIONS } from './twilio-oauth.constants.js';
import type {
  TwilioOAuthModuleExtras,
  TwilioOAuthModuleOptions,
} from './twilio-oauth-options.interface.js';

const extras: Required<TwilioOAuthModuleExtras> = { isGlobal: false };

// The builder generates forRoot/forRootAsync (factory, class and existing-provider forms) and
// strips `isGlobal` from the options value before it is provided.
export const { ConfigurableModuleClass: ConfigurableTwilioOAuthModule } =
  new ConfigurableModuleBuilder<TwilioOAuthModuleOptions>({
    optionsInjectionToken: TWILIO_OAUTH_MODULE_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createTwilioOAuthOptions')
    .setExtras(extras, (definition, { isGlobal }) => ({ ...definition, global: isGlobal }))
    .build();
