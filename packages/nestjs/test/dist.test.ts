// The BUILT package, as users load it: DI by class type needs the decorator metadata that
// tsdown emitted, in both the ESM and the CJS build. vitest.config.ts hands dist/ to Node as is
// (no Vite transform), so these imports load exactly what is published.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Injectable, type Type } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import type { MockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  TWILIO_TOKEN_MANAGER as CJS_TOKEN_MANAGER,
  TwilioOAuthModule as CjsModule,
  TwilioOAuthService as CjsService,
} from '../dist/index.cjs';
import {
  TWILIO_TOKEN_MANAGER as ESM_TOKEN_MANAGER,
  TwilioOAuthModule as EsmModule,
  TwilioOAuthService as EsmService,
} from '../dist/index.mjs';
import { TwilioOAuthHealthIndicator as CjsHealthIndicator } from '../dist/terminus.cjs';
import { TwilioOAuthHealthIndicator as EsmHealthIndicator } from '../dist/terminus.mjs';
import { CLIENT_ID, CLIENT_SECRET, managerOptions, messagesUrl, startMock } from './harness';

// Written as an application would, against the built classes: no @Inject, only parameter types.
@Injectable()
class EsmConsumer {
  constructor(
    readonly twilio: EsmService,
    readonly health: EsmHealthIndicator,
  ) {}
}

@Injectable()
class CjsConsumer {
  constructor(
    readonly twilio: CjsService,
    readonly health: CjsHealthIndicator,
  ) {}
}

const builds = [
  {
    format: 'esm',
    file: 'terminus.mjs',
    Module: EsmModule,
    Service: EsmService,
    HealthIndicator: EsmHealthIndicator,
    Consumer: EsmConsumer,
  },
  {
    format: 'cjs',
    file: 'terminus.cjs',
    Module: CjsModule,
    Service: CjsService,
    HealthIndicator: CjsHealthIndicator,
    Consumer: CjsConsumer,
  },
] as const;

let mock: MockServer;
const closeAfter: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  mock = await startMock();
});
afterAll(() => mock.close());
afterEach(async () => {
  for (const app of closeAfter.splice(0)) await app.close();
  mock.reset();
});

describe.each(builds)('dist ($format)', (build) => {
  it('ships decorator metadata in the file', () => {
    const path = fileURLToPath(new URL(`../dist/${build.file}`, import.meta.url));
    expect(readFileSync(path, 'utf8')).toContain('design:paramtypes');
  });

  it('emits the constructor metadata that class-type injection reads', () => {
    const paramtypes = (target: Type) => Reflect.getMetadata('design:paramtypes', target);
    expect(paramtypes(build.HealthIndicator)).toEqual([HealthIndicatorService, Object]);
    // The module's factory makes the service, never the injector: nothing to read.
    expect(paramtypes(build.Service)).toBeUndefined();
  });

  it('injects the service and the health indicator by class type', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TerminusModule, build.Module.forRoot(managerOptions(mock))],
      providers: [build.Consumer, build.HealthIndicator],
    }).compile();
    closeAfter.push(moduleRef);
    const consumer: EsmConsumer | CjsConsumer = moduleRef.get(build.Consumer);
    expect(consumer.twilio).toBeInstanceOf(build.Service);
    await expect(consumer.twilio.getToken()).resolves.toMatchObject({ tokenType: 'Bearer' });
    await expect(consumer.health.isHealthy('twilio')).resolves.toMatchObject({
      twilio: { status: 'up', state: 'fresh' },
    });
    expect(mock.stats().tokenRequests).toBe(1);
  });

  it('maps token failures to HTTP exceptions', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [build.Module.forRoot({ ...managerOptions(mock), clientSecret: 'wrong' })],
    }).compile();
    closeAfter.push(moduleRef);
    await expect(moduleRef.get(build.Service).getToken()).rejects.toMatchObject({
      status: 502,
      message: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
    });
  });

  it('leaves nothing running after app.close(): the process exits on its own', {
    timeout: 60_000,
  }, async () => {
    const script = fileURLToPath(new URL('./fixtures/shutdown.mjs', import.meta.url));
    const args = [script, build.format, mock.tokenUrl, messagesUrl(mock), CLIENT_ID, CLIENT_SECRET];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let watchdog: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      // The report is written after app.close(). From then on, anything left holding the event
      // loop (a timer, a socket, a server) would keep the child alive; booting may be slow on a
      // busy machine, exiting may not.
      watchdog ??= setTimeout(() => child.kill('SIGKILL'), 5_000);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (c, s) => resolve([c, s])),
    );
    clearTimeout(watchdog);
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(JSON.parse(stdout)).toEqual({
      apiStatus: 200,
      appStatus: 404,
      afterClose: 'ServiceUnavailableException 503',
    });
    expect(mock.stats().tokenRequests).toBe(1);
  });
});

it('both builds share the injection tokens (registered symbols)', () => {
  expect(CJS_TOKEN_MANAGER).toBe(ESM_TOKEN_MANAGER);
});
