// The release, rehearsed in CI so that a broken one fails here rather than on publish day:
// `changeset version` on a scratch copy of the workspace's manifests and changesets, then
// `pnpm publish --dry-run` of every publishable package as it stands (built).
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 120_000 });

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** Every workspace package folder (what pnpm-workspace.yaml lists). */
const workspaceDirs = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(group, name)))
  .concat(['bench', 'reliability', 'node-matrix', 'docs-test'])
  .filter((dir) => existsSync(join(root, dir, 'package.json')));

const publishable = workspaceDirs.filter(
  (dir) => !readJson(join(root, dir, 'package.json')).private,
);

const scratch = mkdtempSync(join(tmpdir(), 'twilio-oauth-release-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('changeset version, on a scratch copy', () => {
  it('gives every publishable package one coherent new version and a changelog entry', () => {
    for (const file of ['package.json', 'pnpm-workspace.yaml']) {
      cpSync(join(root, file), join(scratch, file));
    }
    cpSync(join(root, '.changeset'), join(scratch, '.changeset'), { recursive: true });
    for (const dir of workspaceDirs) {
      mkdirSync(join(scratch, dir), { recursive: true });
      for (const file of ['package.json', 'CHANGELOG.md']) {
        if (existsSync(join(root, dir, file)))
          cpSync(join(root, dir, file), join(scratch, dir, file));
      }
    }
    const pending = readdirSync(join(root, '.changeset')).filter(
      (name) => name.endsWith('.md') && name !== 'README.md',
    );
    execFileSync(process.execPath, [join(root, 'node_modules/@changesets/cli/bin.js'), 'version'], {
      cwd: scratch,
      stdio: 'pipe',
    });
    const versions = new Set();
    for (const dir of publishable) {
      const before = readJson(join(root, dir, 'package.json'));
      const after = readJson(join(scratch, dir, 'package.json'));
      versions.add(after.version);
      if (pending.length > 0) {
        expect(after.version, dir).not.toBe(before.version);
        expect(readFileSync(join(scratch, dir, 'CHANGELOG.md'), 'utf8'), dir).toContain(
          `## ${after.version}`,
        );
      }
    }
    // One family, one version (the `fixed` group of .changeset/config.json).
    expect([...versions]).toHaveLength(1);
    // The changesets were consumed; the samples and test packages were left alone.
    expect(readdirSync(join(scratch, '.changeset')).filter((n) => n.endsWith('.md'))).toEqual([
      'README.md',
    ]);
    for (const dir of workspaceDirs.filter((d) => !publishable.includes(d))) {
      expect(readJson(join(scratch, dir, 'package.json')).version, dir).toBe(
        readJson(join(root, dir, 'package.json')).version,
      );
    }
  });
});

describe('pnpm publish --dry-run', () => {
  it.each(publishable)('%s', (dir) => {
    const { name, version } = readJson(join(root, dir, 'package.json'));
    const output = execFileSync('pnpm', ['publish', '--dry-run', '--no-git-checks'], {
      cwd: join(root, dir),
      encoding: 'utf8',
      stdio: 'pipe',
    });
    expect(output).toContain(`${name}@${version}`);
  });
});
