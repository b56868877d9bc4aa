// Shared by the tests: a mock Twilio on loopback and real Nest applications on both platforms.
import 'reflect-metadata';
import {
  Controller,
  Get,
  type INestApplication,
  Inject,
  type LoggerService,
  type ModuleMetadata,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { TokenManagerOptions } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { TwilioOAuthService } from '../src/twilio-oauth.service';

/** A secret distinctive enough that finding it anywhere is a leak, not a coincidence. */
export const CLIENT_ID = 'OQ00000000000000000000000000000001';
export const CLIENT_SECRET = 'sEcReT-0f-the-nest-tests-9c41d7';

export interface Platform {
  readonly name: 'express' | 'fastify';
  readonly adapter: () => AbstractHttpAdapter;
}

export const platforms: readonly Platform[] = [
  { name: 'express', adapter: () => new ExpressAdapter() },
  { name: 'fastify', adapter: () => new FastifyAdapter() },
];

export function startMock(): Promise<MockServer> {
  return startMockServer({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    tokenTtlSeconds: 3600,
  });
}

/** Manager options pointing at the mock, with retries quick enough for failure tests. */
export function managerOptions(mock: MockServer): TokenManagerOptions {
  return {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    tokenUrl: mock.tokenUrl,
    allowedHosts: [new URL(mock.apiBaseUrl).hostname],
    timeoutMs: 2_000,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  };
}

export function messagesUrl(mock: MockServer): string {
  return `${mock.apiBaseUrl}/2010-04-01/Accounts/${mock.accountSid}/Messages.json`;
}

export interface RunningApp {
  app: INestApplication;
  url: string;
  get(path: string): Promise<{ status: number; text: string; json: unknown }>;
}

/**
 * Compiles `metadata` into a real Nest application listening on a free loopback port; silent
 * unless given a `logger`.
 */
export async function startApp(
  platform: Platform,
  metadata: ModuleMetadata,
  { logger = false }: { logger?: LoggerService | false } = {},
): Promise<RunningApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication(platform.adapter(), { logger });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    async get(path) {
      const res = await fetch(url + path);
      const text = await res.text();
      return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
    },
  };
}

/** Injection token of the Messages API URL the probe controller calls. */
export const MESSAGES_URL = Symbol('MESSAGES_URL');

/** Routes exercising each member of the injected service, as an application would. */
@Controller()
export class ProbeController {
  constructor(
    private readonly twilio: TwilioOAuthService,
    @Inject(MESSAGES_URL) private readonly messagesUrl: string,
  ) {}

  @Get('token')
  async token() {
    const { tokenType, expiresAt } = await this.twilio.getToken();
    return { tokenType, expiresAt };
  }

  @Get('header')
  async header() {
    const header = await this.twilio.getAuthorizationHeader();
    return { scheme: header.split(' ')[0] };
  }

  @Get('messages')
  async messages() {
    const res = await this.twilio.fetch(this.messagesUrl);
    return { status: res.status, body: await res.json() };
  }

  @Get('elsewhere')
  async elsewhere() {
    const res = await this.twilio.fetch('https://example.com/not-twilio');
    return { status: res.status };
  }
}

/** Providers the probe controller needs besides the module under test. */
export const probeProviders = (mock: MockServer) => [
  { provide: MESSAGES_URL, useValue: messagesUrl(mock) },
];
