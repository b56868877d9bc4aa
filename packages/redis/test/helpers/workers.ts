// Child processes that import the built packages (core + this one), driven over IPC.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Message = { readonly type: string } & Record<string, unknown>;

export interface Worker {
  readonly child: ChildProcess;
  send(message: Message): void;
  /** The next message of `type` (messages arriving earlier are kept in order). */
  next(type: string): Promise<Message>;
  /** SIGKILL, as a crash would, and wait for the exit. */
  kill(): Promise<void>;
}

const BUILT = new URL('../../dist/index.mjs', import.meta.url);

export function startWorker(fixture: string): Worker {
  // The workers run the published shape of the package, so it must be built (turbo does it first).
  if (!existsSync(BUILT)) {
    throw new Error('dist/ is missing: run `pnpm turbo run build --filter=@twilio-oauth/redis`');
  }
  const path = fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url));
  const child = fork(path, [], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const inbox: Message[] = [];
  const waiting: { type: string; resolve: (m: Message) => void; reject: (e: Error) => void }[] = [];
  child.on('message', (message: Message) => {
    if (message.type === 'error') {
      for (const w of waiting.splice(0)) w.reject(new Error(`worker failed: ${message.message}`));
      return;
    }
    const index = waiting.findIndex((w) => w.type === message.type);
    if (index >= 0) waiting.splice(index, 1)[0]?.resolve(message);
    else inbox.push(message);
  });
  child.on('exit', (code, signal) => {
    const error = new Error(`worker exited (${code ?? signal}) ${stderr}`);
    for (const w of waiting.splice(0)) w.reject(error);
  });
  return {
    child,
    send: (message) => child.send(message),
    next: (type) => {
      const index = inbox.findIndex((m) => m.type === type);
      if (index >= 0) return Promise.resolve(inbox.splice(index, 1)[0] as Message);
      if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.reject(new Error(`worker already exited ${stderr}`));
      }
      return new Promise((resolve, reject) => waiting.push({ type, resolve, reject }));
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
