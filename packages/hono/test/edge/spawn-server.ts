import { type ChildProcess, spawn } from 'node:child_process';
import type { EdgeBindings } from './harness';
import type { EdgeTarget } from './session';

/**
 * Starts a runtime on a fixture server script that prints `listening <port>` once
 * ready, with the bindings as its only environment (plus what a runtime needs to
 * run at all). Rejects with the runtime's stderr if it exits or stays silent.
 */
export async function spawnServer(
  command: string,
  args: readonly string[],
  bindings: EdgeBindings,
  extraEnv: Record<string, string> = {},
): Promise<EdgeTarget> {
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      ...extraEnv,
      ...bindings,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await listeningPort(child, command);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    request: (path, init) => fetch(`http://127.0.0.1:${port}${path}`, init),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function listeningPort(child: ChildProcess, command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${command} ${why}; stderr: ${stderr.trim() || '(empty)'}`));
    };
    const timer = setTimeout(() => fail('did not print "listening <port>" within 20 s'), 20_000);
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('error', (error) => fail(`could not be spawned (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });
}
