import { fork } from 'node:child_process';

/**
 * Starts `file` as a child process and returns a handle to call its handlers
 * (registered with {@link serve}) over IPC. Benchmarked code runs in children
 * so that the load generator, the mock server and the code under test do not
 * share one event loop.
 */
export function startWorker(file, { args = [], env = {}, execArgv = [] } = {}) {
  const child = fork(file, args, {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 0;
  let exited;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = new Error(`worker ${file} exited (code ${code}, signal ${signal})`);
      for (const { reject } of pending.values()) reject(exited);
      pending.clear();
      resolve();
    });
  });
  child.on('message', (message) => {
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    if (message.ok) call.resolve(message.value);
    else call.reject(new Error(`${message.op} failed in worker: ${message.error}`));
  });
  return {
    pid: child.pid,
    /** Calls handler `op` in the child; resolves with what it returned. */
    call(op, arg) {
      if (exited) return Promise.reject(exited);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, op, arg });
      });
    },
    /** Asks the child to exit, and kills it if it does not within 5 s. */
    async close() {
      if (exited) return;
      child.send({ id: -1, op: '__exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Child side of {@link startWorker}: answers calls with `handlers[op](arg)`. */
export function serve(handlers) {
  let exiting = false;
  const exit = async () => {
    if (exiting) return;
    exiting = true;
    try {
      await handlers.onExit?.();
    } finally {
      if (process.connected) process.disconnect();
      process.exit(0);
    }
  };
  // A parent that died (or failed) must not leave servers and workers running.
  process.on('disconnect', exit);
  process.on('message', async ({ id, op, arg }) => {
    if (op === '__exit') return exit();
    try {
      const handler = handlers[op];
      if (typeof handler !== 'function') throw new Error(`no handler "${op}"`);
      process.send({ id, op, ok: true, value: await handler(arg) });
    } catch (error) {
      process.send({
        id,
        op,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  });
}
