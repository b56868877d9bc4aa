import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import ts from 'typescript';
import type { DocBlock } from './blocks';

/** A documented app started in a child process. */
export interface RunningApp {
  url: string;
  child: ChildProcess;
  /** What the app wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Options of {@link startBlock}. */
export interface StartOptions {
  /** Directory inside the docs-test package (so imports resolve) for the compiled block. */
  workDir: string;
  /** Name of the compiled file, without extension. */
  name: string;
  /** Environment of the child, on top of the test's. */
  env: Record<string, string>;
  /** Run against `express4` (Express 4) instead of `express`. */
  express4?: boolean;
}

const here = join(import.meta.dirname, '..');

/**
 * Compiles a block as `tsc` would for Node (decorator metadata included: Nest's injection needs
 * it, and esbuild-based runners emit none), one file at a time.
 */
export function compileBlock(block: DocBlock, express4: boolean): string {
  const { outputText } = ts.transpileModule(block.code, {
    fileName: 'block.ts',
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  });
  return express4 ? outputText.replaceAll("from 'express';", "from 'express4';") : outputText;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Compiles and starts a block, resolving once its server accepts connections. */
export async function startBlock(block: DocBlock, options: StartOptions): Promise<RunningApp> {
  mkdirSync(options.workDir, { recursive: true });
  const file = join(options.workDir, `${options.name}.mjs`);
  writeFileSync(file, compileBlock(block, options.express4 ?? false));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', join(here, 'redirect.mjs'), join(here, 'launch.mjs'), file],
    {
      env: { ...process.env, ...options.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const app: RunningApp = {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
  const deadline = Date.now() + 30_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await app.stop();
      throw new Error(`${block.file}:${block.fenceLine} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return app;
}
