import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { allBlocks, type DocBlock } from './blocks';
import { documentedDefaults } from './defaults-table';
import { startBlock } from './run';
import { typecheckBlocks } from './typecheck';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const workDir = join(root, 'docs-test/.blocks');
const blocks = allBlocks(root);

describe('documented TypeScript/JavaScript blocks', () => {
  it('are found in every documented file', () => {
    const files = new Set(blocks.map((b) => b.file));
    for (const file of ['README.md', 'docs/operating.md', 'packages/express/README.md']) {
      expect(files).toContain(file);
    }
    expect(blocks.length).toBeGreaterThan(30);
  });

  it('mark the quickstarts to run: three in the root README, one or more per adapter', () => {
    const runs = (file: string) =>
      blocks.filter((b) => b.file === file && b.marker.kind === 'run').length;
    expect(runs('README.md')).toBe(3);
    for (const adapter of ['express', 'hono', 'nestjs']) {
      expect(runs(`packages/${adapter}/README.md`), adapter).toBeGreaterThanOrEqual(2);
    }
  });

  it('type-check with the repository settings, unless marked partial', () => {
    for (const b of blocks) {
      if (b.marker.kind === 'partial') {
        console.log(`docs-test: partial ${b.file}:${b.fenceLine} (${b.marker.reason})`);
      }
    }
    const checked = blocks.filter((b) => b.marker.kind !== 'partial');
    const failures = typecheckBlocks(root, join(workDir, 'check'), checked);
    expect(failures.map((f) => `${f.where} ${f.message}`).join('\n')).toBe('');
  });
});

/** An account app and an organization app, as the documented apps hold them. */
const ACCOUNT_APP = { clientId: `OQ${'d0c5'.repeat(8)}`, clientSecret: 'docs-account-Secret-1a2b' };
const ORG_APP = {
  clientId: `OQ${'0e6a'.repeat(8)}`,
  clientSecret: 'docs-org-Secret-3c4d',
  organizationSid: `OR${'5a1d'.repeat(8)}`,
};

const startDocsMock = () => startMockServer({ clients: [ACCOUNT_APP, ORG_APP] });

/** What a documented app is started with: the mock's credentials (or wrong secrets). */
function appEnv(mock: MockServer, wrongSecret: boolean): Record<string, string> {
  return {
    DOCS_TEST_MOCK_URL: mock.url,
    TWILIO_CLIENT_ID: ACCOUNT_APP.clientId,
    TWILIO_CLIENT_SECRET: wrongSecret ? 'not-the-secret' : ACCOUNT_APP.clientSecret,
    TWILIO_ACCOUNT_SID: mock.accountSid,
    TWILIO_ORG_CLIENT_ID: ORG_APP.clientId,
    TWILIO_ORG_CLIENT_SECRET: wrongSecret ? 'not-the-org-secret' : ORG_APP.clientSecret,
    TWILIO_ORG_SID: ORG_APP.organizationSid,
  };
}

interface RunCase {
  title: string;
  block: DocBlock;
  express4: boolean;
  wrongSecret: boolean;
}

/**
 * Each quickstart as a real app: with the mock's credentials it answers as its marker says; with a
 * wrong secret (when it reads the secret from the environment) it answers 502 and keeps serving.
 * Express apps run on Express 5 and on Express 4.
 */
function runCases(): RunCase[] {
  const cases: RunCase[] = [];
  for (const block of blocks) {
    if (block.marker.kind !== 'run') continue;
    const expressVersions = /from 'express'/.test(block.code) ? [false, true] : [false];
    const secrets = /TWILIO_(ORG_)?CLIENT_SECRET/.test(block.code) ? [false, true] : [false];
    for (const express4 of expressVersions) {
      for (const wrongSecret of secrets) {
        const variant = [express4 && 'Express 4', wrongSecret && 'wrong secret'].filter(Boolean);
        const suffix = variant.length > 0 ? ` (${variant.join(', ')})` : '';
        cases.push({
          title: `${block.file}:${block.fenceLine}${suffix}`,
          block,
          express4,
          wrongSecret,
        });
      }
    }
  }
  return cases;
}

describe('quickstarts run against the mock server', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startDocsMock();
  });
  afterAll(() => mock.close());

  it.each(runCases())('$title', async ({ title, block, express4, wrongSecret }) => {
    const { marker } = block;
    if (marker.kind !== 'run') throw new Error('not a run block');
    const [client] = mock.clients;
    const app = await startBlock(block, {
      workDir: join(workDir, 'run'),
      name: title.replace(/[^\w]+/g, '_'),
      express4,
      env: appEnv(mock, wrongSecret),
    });
    try {
      const expected = wrongSecret ? 502 : marker.status;
      const request = () =>
        fetch(`${app.url}${marker.path}`, { method: marker.method }).catch((error: Error) => {
          throw new Error(`${title}: ${error.message}; the app wrote:\n${app.output()}`);
        });
      const first = await request();
      await first.text();
      expect(first.status, app.output()).toBe(expected);
      // The same process answers again: a failed token request did not end it.
      const second = await request();
      expect(second.status, app.output()).toBe(expected);
      expect(await second.text()).not.toContain(client.clientSecret);
      expect(app.child.exitCode).toBeNull();
    } finally {
      await app.stop();
    }
  });
});

/** A route an Express example declares: `app.get('/path', …)`. */
interface ExampleRoute {
  method: string;
  path: string;
}

/**
 * Express examples that are not marked to run but can (an `app = express()` with routes and
 * nothing declared from their surroundings): every one of them runs too, on Express 5 and 4,
 * with the right and a wrong secret. An async handler that does not pass its error on ends an
 * Express 4 process: caught here, not by a user's outage.
 */
function expressExamples(): {
  title: string;
  block: DocBlock;
  routes: ExampleRoute[];
  express4: boolean;
  wrongSecret: boolean;
}[] {
  const cases = [];
  for (const block of blocks) {
    if (block.marker.kind !== 'check' || !/from 'express'/.test(block.code)) continue;
    // `declare global` only types; a declared value would be missing when it runs.
    if (
      !/const app = express\(\)/.test(block.code) ||
      /\bdeclare\s+(const|let|var|function|class)\b/.test(block.code)
    )
      continue;
    const routes = [...block.code.matchAll(/app\.(get|post|put|patch|delete)\(\s*'([^']+)'/g)].map(
      ([, method = 'get', path = '/']) => ({
        method: method.toUpperCase(),
        path: path.replace(/:\w+/g, 'XX00000000000000000000000000000000'),
      }),
    );
    if (routes.length === 0) continue;
    for (const express4 of [false, true]) {
      for (const wrongSecret of [false, true]) {
        const variant = [express4 ? 'Express 4' : 'Express 5', wrongSecret && 'wrong secret'];
        const title = `${block.file}:${block.fenceLine} (${variant.filter(Boolean).join(', ')})`;
        cases.push({ title, block, routes, express4, wrongSecret });
      }
    }
  }
  return cases;
}

/** A request for an example's route: a POST carries a message, as JSON and as a form would. */
const requestOf = (route: ExampleRoute): RequestInit =>
  route.method === 'GET'
    ? { method: route.method }
    : {
        method: route.method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: '+15005550006', from: '+15005550001', body: 'docs test' }),
      };

describe('every runnable Express example serves its routes on Express 4 and 5', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startDocsMock();
  });
  afterAll(() => mock.close());

  it('finds the examples (the SDK client examples among them)', () => {
    expect(expressExamples().length).toBeGreaterThanOrEqual(8);
  });

  it.each(expressExamples())('$title', async ({ title, block, routes, express4, wrongSecret }) => {
    const [client] = mock.clients;
    // The example's own `app`, listened on by the docs test (the example leaves that to the app).
    const served = {
      ...block,
      code: `${block.code}\napp.listen(Number(process.env.PORT));\n`,
    };
    const app = await startBlock(served, {
      workDir: join(workDir, 'run'),
      name: title.replace(/[^\w]+/g, '_'),
      express4,
      env: appEnv(mock, wrongSecret),
    });
    try {
      for (const route of routes) {
        for (let i = 0; i < 2; i++) {
          const res = await fetch(`${app.url}${route.path}`, requestOf(route)).catch(
            (error: Error) => {
              throw new Error(
                `${title} ${route.method} ${route.path}: ${error.message}; the app wrote:\n${app.output()}`,
              );
            },
          );
          const body = await res.text();
          if (wrongSecret)
            expect(res.status, `${route.method} ${route.path}\n${app.output()}`).toBe(502);
          // With the right secret the token works (what the route then does is its own affair).
          else
            expect([502, 503], `${route.method} ${route.path}\n${app.output()}`).not.toContain(
              res.status,
            );
          expect(body).not.toContain(client.clientSecret);
        }
      }
      expect(app.child.exitCode, app.output()).toBeNull();
    } finally {
      await app.stop();
    }
  });
});

describe("the mock CLI's printed settings, pasted into a quickstart", () => {
  it("the root README's Express quickstart talks to the mock with them and no code change", async () => {
    const cli = spawn(process.execPath, [join(root, 'packages/mock-server/dist/cli.mjs')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let banner = '';
      cli.stdout.on('data', (d) => {
        banner += d;
      });
      await vi.waitFor(() => expect(banner).toContain('Press Ctrl+C'), { timeout: 15_000 });
      // Exactly the KEY=value lines it printed, as a user pastes them.
      const env = Object.fromEntries(
        [...banner.matchAll(/^\s+(TWILIO_[A-Z_]+)=(\S+)$/gm)].map(([, key, value]) => [key, value]),
      );
      expect(Object.keys(env).sort()).toEqual([
        'TWILIO_ACCOUNT_SID',
        'TWILIO_ALLOWED_HOSTS',
        'TWILIO_API_BASE_URL',
        'TWILIO_CLIENT_ID',
        'TWILIO_CLIENT_SECRET',
        'TWILIO_TOKEN_URL',
      ]);
      const quickstart = blocks.find(
        (b) => b.file === 'README.md' && b.marker.kind === 'run' && /from 'express'/.test(b.code),
      );
      if (!quickstart) throw new Error('no Express quickstart in README.md');
      const app = await startBlock(quickstart, {
        workDir: join(workDir, 'run'),
        name: 'readme_express_with_cli_env',
        // Nothing is redirected: the settings alone must point the code at the mock.
        env: { ...env, DOCS_TEST_MOCK_URL: 'http://127.0.0.1:9' },
      });
      try {
        const res = await fetch(`${app.url}/messages`);
        expect(res.status, app.output()).toBe(200);
        expect(await res.json()).toHaveProperty('messages');
      } finally {
        await app.stop();
      }
    } finally {
      cli.kill('SIGINT');
    }
  });
});

describe('the adapters\' "Against the local mock" sections', () => {
  it.each(['express', 'hono', 'nestjs'])(
    '%s: without allowedHosts, the call to the mock is refused (500), as documented',
    async (adapter) => {
      const block = blocks.find(
        (b) =>
          b.file === `packages/${adapter}/README.md` && b.code.includes('mock.clientOptions()'),
      );
      if (block?.marker.kind !== 'run') throw new Error(`no runnable mock block for ${adapter}`);
      const { path } = block.marker;
      const withoutAllowedHosts = {
        ...block,
        code: block.code.replace(
          'mock.clientOptions()',
          '(({ allowedHosts, ...options }) => options)(mock.clientOptions())',
        ),
      };
      expect(withoutAllowedHosts.code).not.toBe(block.code);
      const app = await startBlock(withoutAllowedHosts, {
        workDir: join(workDir, 'run'),
        name: `${adapter}_no_allowed_hosts`,
        env: { DOCS_TEST_MOCK_URL: 'http://127.0.0.1:9' },
      });
      try {
        const res = await fetch(`${app.url}${path}`);
        expect(res.status, app.output()).toBe(500);
      } finally {
        await app.stop();
      }
    },
  );
});

/**
 * The adapters' "Testing" sections are test files a user copies: each runs here as one, with
 * vitest, in a folder of this package (so that its imports resolve) whose tsconfig has what
 * Nest's injection needs. It must pass, and with at least one test.
 */
describe('testing sections run as the test files they are', () => {
  const testBlocks = blocks.filter((b) => b.marker.kind === 'vitest');

  it('one or more per adapter', () => {
    for (const adapter of ['express', 'hono', 'nestjs']) {
      const found = testBlocks.filter((b) => b.file === `packages/${adapter}/README.md`);
      expect(found.length, adapter).toBeGreaterThanOrEqual(1);
    }
  });

  it.each(testBlocks.map((b) => [`${b.file}:${b.fenceLine}`, b] as const))('%s', (title, block) => {
    const dir = join(workDir, 'vitest', title.replace(/[^\w]+/g, '_'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true },
      }),
    );
    writeFileSync(join(dir, 'app.test.ts'), block.code);
    // Its own config: this package's (src/**) must not be the one found.
    const config = join(dir, 'vitest.config.mjs');
    writeFileSync(config, "export default { test: { include: ['app.test.ts'] } };\n");
    const result = spawnSync(
      process.execPath,
      [
        join(root, 'docs-test/node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        dir,
        '--config',
        config,
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
        timeout: 120_000,
      },
    );
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status, output).toBe(0);
    expect(output).toMatch(/Tests\s+\S*\d+ passed/);
    expect(output).not.toMatch(/\d+ (failed|skipped)/);
  });
});

describe('install lines', () => {
  it('say npm install everywhere (one style; pnpm and yarn users translate it at a glance)', () => {
    const files = [
      'README.md',
      ...[
        'core',
        'express',
        'hono',
        'nestjs',
        'redis',
        'cloudflare',
        'twilio',
        'opentelemetry',
        'mock-server',
      ].map((p) => `packages/${p}/README.md`),
    ];
    const others = files.flatMap((file) =>
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .filter((line) => /^\s*(pnpm add|yarn add|npm i )\b/.test(line))
        .map((line) => `${file}: ${line}`),
    );
    expect(others).toEqual([]);
  });
});

describe('docs/operating.md defaults table', () => {
  it('states the numbers core exports as DEFAULTS', () => {
    const table = documentedDefaults(readFileSync(join(root, 'docs/operating.md'), 'utf8'));
    const documented = Object.fromEntries(table.map((row) => [row.name, row.value]));
    const { maxManagers, maxEntries, ...optionDefaults } = DEFAULTS;
    expect(documented).toEqual(optionDefaults);
  });
});
