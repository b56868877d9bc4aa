import 'reflect-metadata';
import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import type { TwilioSettings } from './config.js';

/**
 * Builds the Nest application (Express platform) from Twilio settings; not listening yet.
 * Bad settings reject here, with core's error naming the option (never a secret).
 */
export function createApp(
  twilio: TwilioSettings,
  // Errors only, on stderr: stdout carries the one "listening" line the demo waits for.
  { logger = ['error'] }: { logger?: false | LogLevel[] } = {},
): Promise<INestApplication> {
  return NestFactory.create(AppModule.forRoot(twilio), {
    // Reject instead of exiting the process, so main.ts can report and tests can assert.
    abortOnError: false,
    logger,
  });
}
