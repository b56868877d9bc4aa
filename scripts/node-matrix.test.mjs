// The Node matrix runner (node-matrix.mjs): it runs suites on the line it names,
// says which lines it ran, and a missing line fails in CI but is skipped locally.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { NODE_LINES } from './node-matrix.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = 'scripts/fixtures/node-line';

/** Runs the matrix from the repository root with a clean CI environment plus `env`. */
function matrix(args, env = {}) {
  const base = { ...process.env, NO_COLOR: '1' };
  for (const name of [
    'CI',
    'NODE_MATRIX_REQUIRED',
    ...NODE_LINES.map((l) => `NODE_MATRIX_NODE${l}`),
  ]) {
    delete base[name];
  }
  const run = spawnSync(process.execPath, [join(root, 'scripts/node-matrix.mjs'), ...args], {
    cwd: root,
    env: { ...base, ...env },
    encoding: 'utf8',
  });
  return { code: run.status, out: run.stdout + run.stderr };
}

const installed = NODE_LINES.filter((line) =>
  existsSync(join(root, 'node-matrix/node_modules', `node${line}`, 'bin/node')),
);

describe('node-matrix', () => {
  test('runs the test workers on each installed line and says so', () => {
    const { code, out } = matrix(['--', '--root', fixture]);
    expect(code).toBe(0);
    for (const line of installed) {
      expect(out).toMatch(new RegExp(`worker on v${line}\\.`));
      expect(out).toMatch(new RegExp(`Node ${line} passed on v${line}\\.\\d+\\.\\d+ in`));
    }
    for (const line of NODE_LINES.filter((l) => !installed.includes(l))) {
      expect(out).toContain(`Node ${line} skipped`);
    }
  }, 60_000);

  test('pnpm install brings every line on Linux x64 (where CI runs) and none elsewhere', () => {
    if (process.platform === 'linux' && process.arch === 'x64')
      expect(installed).toEqual(NODE_LINES);
    else expect(installed).toEqual([]);
  });

  test('a missing line is skipped with a way out locally, and fails under CI or NODE_MATRIX_REQUIRED=1', () => {
    const missing = { NODE_MATRIX_NODE22: join(root, 'no-such-node') };
    const local = matrix(['--lines', '22', '--', '--root', fixture], missing);
    expect(local.code).toBe(0);
    expect(local.out).toContain(
      'Node 22 skipped: no binary at no-such-node (NODE_MATRIX_NODE22 names no file)',
    );
    expect(local.out).toContain('Set NODE_MATRIX_NODE22 to a Node 22 binary');
    expect(local.out).toContain(
      'skipped lines fail instead when NODE_MATRIX_REQUIRED=1 or CI is set',
    );

    for (const env of [{ CI: '1' }, { NODE_MATRIX_REQUIRED: '1' }]) {
      const required = matrix(['--lines', '22', '--', '--root', fixture], { ...missing, ...env });
      expect(required.code).toBe(1);
      expect(required.out).toContain('Node 22 MISSING');
    }
    const optedOut = matrix(['--lines', '22', '--', '--root', fixture], {
      ...missing,
      CI: '1',
      NODE_MATRIX_REQUIRED: '0',
    });
    expect(optedOut.code).toBe(0);
  });

  test('a binary of another line counts as missing, not as that line', () => {
    const { code, out } = matrix(['--lines', '22', '--', '--root', fixture], {
      NODE_MATRIX_NODE22: process.execPath,
      NODE_MATRIX_REQUIRED: '1',
    });
    expect(code).toBe(1);
    expect(out).toContain(`is Node ${process.version}, not a Node 22 release`);
  });

  test('a binary that cannot run on this system counts as missing', () => {
    const { code, out } = matrix(['--lines', '22', '--', '--root', fixture], {
      NODE_MATRIX_NODE22: join(root, fixture, 'vitest.config.mjs'),
    });
    expect(code).toBe(0);
    expect(out).toMatch(/Node 22 skipped: .*vitest\.config\.mjs does not run here \(EACCES\)/);
  });

  test.runIf(installed.includes('24'))(
    'a failing suite fails the run and names the line',
    () => {
      const { code, out } = matrix(['--lines', '24', '--', '--root', fixture, 'no-such-file']);
      expect(code).toBe(1);
      expect(out).toMatch(/Node 24 FAILED on v24\./);
    },
    60_000,
  );

  test('rejects an unknown line', () => {
    const { code, out } = matrix(['--lines', '18']);
    expect(code).toBe(1);
    expect(out).toContain('--lines: unknown Node line 18');
  });

  test('every workspace package with a test script runs it on the matrix too', () => {
    const workspace = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
    const globs = workspace
      .slice(0, workspace.indexOf('\ncatalog:'))
      .split('\n')
      .filter((l) => l.startsWith('  - '))
      .map((l) => l.slice(4).trim());
    const dirs = globs.flatMap((g) =>
      g.endsWith('/*')
        ? readdirSync(join(root, g.slice(0, -2))).map((d) => `${g.slice(0, -2)}/${d}`)
        : [g],
    );
    const lacking = [];
    for (const dir of dirs) {
      const manifest = join(root, dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const { scripts = {} } = JSON.parse(readFileSync(manifest, 'utf8'));
      // bench's tests are timing smoke runs of the benchmark, docs-test type-checks and runs
      // the documented snippets: neither is a behaviour suite of the packages.
      if (!scripts.test || dir === 'bench' || dir === 'docs-test') continue;
      const runner = `node ${'../'.repeat(dir.split('/').length)}scripts/node-matrix.mjs`;
      if (scripts['test:matrix'] !== runner) lacking.push(`${dir}: "test:matrix": "${runner}"`);
    }
    expect(lacking).toEqual([]);
  });
});
