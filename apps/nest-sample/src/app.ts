import 'reflect-metadata';
import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { ORG_ENV, type TwilioSettings, twilioEnv } from './config';

/**
 * Builds the Nest application (Express platform) from Twilio settings; not listening yet. The
 * settings become this process's `TWILIO_*` variables, which `AppModule` reads through
 * `ConfigService` (so `main.ts` can also run it against a mock server it started). Bad settings
 * reject here, with core's error naming the option (never a secret).
 */
export function createApp(
  twilio: TwilioSettings,
  // Errors only, on stderr: stdout carries the one "listening" line the demo waits for.
  { logger = ['error'] }: { logger?: false | LogLevel[] } = {},
): Promise<INestApplication> {
  // An organization app of an earlier createApp in this process must not linger.
  for (const name of ORG_ENV) delete process.env[name];
  Object.assign(process.env, twilioEnv(twilio));
  return NestFactory.create(
    AppModule.register({ organization: twilio.organization !== undefined }),
    {
      // Reject instead of exiting the process, so main.ts can report and tests can assert.
      abortOnError: false,
      logger,
    },
  );
}
