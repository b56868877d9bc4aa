// Runs publint and @arethetypeswrong/cli on the package in the current
// directory. attw reads a tarball made by `pnpm pack` (not `npm pack`, which
// would leave `workspace:` and `catalog:` ranges unresolved).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const dir = mkdtempSync(join(tmpdir(), 'twilio-oauth-pack-'));
try {
  run('publint', ['--strict']);
  run('pnpm', ['pack', '--pack-destination', dir]);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('pnpm pack produced no tarball');
  run('attw', [join(dir, tarball), '--profile', 'node16']);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
