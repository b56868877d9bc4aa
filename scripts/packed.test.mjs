// Release readiness: each publishable package, packed exactly as it would be
// published (`pnpm pack` resolves `workspace:` and `catalog:` ranges), installs
// into a clean project and loads on plain Node, as ESM and as CJS.
import { execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';

// Loading a framework (Nest) from a cold disk cache on a busy machine takes seconds.
vi.setConfig({ testTimeout: 60_000 });

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What each package must export, and where its peers come from in the workspace. */
const PACKAGES = {
  core: { exports: ['TokenManager', 'requestToken', 'MemoryTokenStore', 'TokenRequestError'] },
  cloudflare: { exports: ['TwilioTokenBroker', 'durableObjectStore', 'TokenBrokerError'] },
  'mock-server': { exports: ['startMockServer'] },
  express: { exports: ['twilioOAuth', 'twilioOAuthErrorHandler'], peers: ['express'] },
  // @hono/node-server and Nest's HTTP platform: what the READMEs' quickstarts serve with.
  hono: { exports: ['twilioOAuth'], peers: ['hono', '@hono/node-server'] },
  nestjs: {
    exports: ['TwilioOAuthModule', 'TwilioOAuthService'],
    peers: [
      '@nestjs/common',
      '@nestjs/core',
      '@nestjs/platform-express',
      'reflect-metadata',
      'rxjs',
    ],
  },
  redis: { exports: ['RedisTokenStore'], peers: ['ioredis'] },
  opentelemetry: { exports: ['twilioOAuthTelemetry'], peers: ['@opentelemetry/api'] },
  twilio: { exports: ['twilioClient', 'DEFAULT_TIMEOUT_MS'], peers: ['twilio'] },
};

/** The `engines.node` of every package: `require(esm)` (NestJS 12 from CJS) is on by default in these. */
const ENGINES = '^20.19.0 || ^22.12.0 || >=24';

test("the Node running this suite is inside the packages' engines range", () => {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const floors = { 20: 19, 22: 12 };
  expect(major >= 24 || (major in floors && minor >= floors[major])).toBe(true);
});

let project;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'twilio-oauth-packed-'));
  const packs = join(project, 'packs');
  mkdirSync(packs);
  writeFileSync(join(project, 'package.json'), '{"name":"consumer","private":true}\n');
  for (const [dir, { peers = [] }] of Object.entries(PACKAGES)) {
    const pkgDir = join(root, 'packages', dir);
    execFileSync('pnpm', ['pack', '--pack-destination', packs], { cwd: pkgDir, stdio: 'ignore' });
    const tarball = readdirSync(packs).find((f) => f.includes(`-${dir}-`) && f.endsWith('.tgz'));
    const target = join(project, 'node_modules/@twilio-oauth', dir);
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(packs, tarball), '-C', target, '--strip-components=1']);
    // Peers come from the workspace, as an app's own dependencies would.
    for (const peer of peers) {
      const link = join(project, 'node_modules', peer);
      try {
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(realpathSync(join(pkgDir, 'node_modules', peer)), link, 'dir');
      } catch (error) {
        if (error.code !== 'EEXIST') throw error;
      }
    }
  }
}, 120_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

const node = (args) => execFileSync(process.execPath, args, { cwd: project, encoding: 'utf8' });

describe.each(Object.entries(PACKAGES))('@twilio-oauth/%s, packed', (dir, { exports }) => {
  const name = `@twilio-oauth/${dir}`;

  test('ships only what it should', () => {
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'),
    );
    const raw = JSON.stringify(manifest);
    expect(raw).not.toMatch(/workspace:|catalog:/);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.engines.node).toBe(ENGINES);
    expect(readFileSync(join(project, 'node_modules', name, 'README.md'), 'utf8')).toContain(
      'Supported Node versions: 20, 22, 24, 26 (tested).',
    );
    const files = readdirSync(join(project, 'node_modules', name));
    expect(
      files.filter(
        (f) => !['dist', 'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'].includes(f),
      ),
    ).toEqual([]);
    expect(
      readdirSync(join(project, 'node_modules', name, 'dist')).some((f) => f.includes('.test.')),
    ).toBe(false);
  });

  test('imports as ESM', () => {
    const out = node([
      '--input-type=module',
      '-e',
      `import * as m from '${name}'; console.log(JSON.stringify(Object.keys(m)));`,
    ]);
    expect(JSON.parse(out)).toEqual(expect.arrayContaining(exports));
  });

  test('requires as CJS', () => {
    const out = node(['-e', `console.log(JSON.stringify(Object.keys(require('${name}'))));`]);
    expect(JSON.parse(out)).toEqual(expect.arrayContaining(exports));
  });
});

/** The adapter README's "Against the local mock" quickstart, as a user copies it. */
function mockQuickstart(adapter) {
  const readme = readFileSync(join(root, 'packages', adapter, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Against the local mock'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error(`${adapter}: no quickstart under "Against the local mock"`);
  return code;
}

/** Compiles as `tsc` would in a project of that module system (decorator metadata included). */
function compile(code, moduleType) {
  return ts.transpileModule(code, {
    compilerOptions: {
      module: moduleType === 'commonjs' ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  }).outputText;
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function answers(url, child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) return undefined;
    const res = await fetch(url).catch(() => undefined);
    if (res) return res;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

// Issue 26: `npm init -y` writes "type": "commonjs"; a quickstart with top-level await
// failed there. Each runs as written in a project of either module system, from the tarballs.
describe.each(['express', 'hono', 'nestjs'])(
  'the %s quickstart against the mock, in a fresh project',
  (adapter) => {
    test.each(['commonjs', 'module'])('"type": "%s"', async (moduleType) => {
      const dir = join(project, `${adapter}-${moduleType}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name: `app-${adapter}`, type: moduleType }),
      );
      writeFileSync(join(dir, 'index.js'), compile(mockQuickstart(adapter), moduleType));
      const port = await freePort();
      const child = spawn(process.execPath, ['index.js'], {
        cwd: dir,
        env: { ...process.env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => {
        output += d;
      });
      child.stderr.on('data', (d) => {
        output += d;
      });
      try {
        const res = await answers(`http://127.0.0.1:${port}/messages`, child);
        expect(res?.status, output).toBe(200);
        expect(await res?.json()).toHaveProperty('messages');
      } finally {
        child.kill();
      }
    });
  },
);
