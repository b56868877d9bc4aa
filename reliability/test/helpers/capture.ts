// Collects every text a user of the library could end up showing to someone:
// console output, raw stdout/stderr writes, thrown errors (with their causes,
// as util.inspect, JSON.stringify and String render them), onEvent payloads and
// HTTP answers (status line, headers, body). A leak check then searches it all.
import { format, inspect } from 'node:util';

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace';
const CONSOLE_METHODS: readonly ConsoleMethod[] = [
  'log',
  'info',
  'warn',
  'error',
  'debug',
  'trace',
];

export interface Captured {
  readonly where: string;
  readonly text: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers | Record<string, string>;
  readonly body: string;
}

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    return `<JSON.stringify threw ${String(error)}>`;
  }
};

const safeString = (value: unknown): string => {
  try {
    return String(value);
  } catch {
    return '';
  }
};

/** The error and each `cause` below it (cycles stopped). */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && !chain.includes(e); ) {
    chain.push(e);
    e = e instanceof Error ? e.cause : undefined;
  }
  return chain;
}

export class LeakCapture {
  readonly #items: Captured[] = [];
  #restore: (() => void) | undefined;
  /** How many of each kind were captured: a check that finds nothing must have looked at something. */
  readonly counts = { console: 0, stdio: 0, errors: 0, events: 0, responses: 0 };

  get items(): readonly Captured[] {
    return this.#items;
  }

  add(where: string, text: string): void {
    this.#items.push({ where, text });
  }

  /** Swallows and records console.* and process.stdout/stderr writes until {@link uninstall}. */
  install(): void {
    if (this.#restore) return;
    const saved = CONSOLE_METHODS.map((method) => [method, console[method]] as const);
    for (const method of CONSOLE_METHODS) {
      console[method] = (...args: unknown[]) => {
        this.counts.console += 1;
        this.add(`console.${method}`, format(...args));
        for (const arg of args) this.add(`console.${method} arg`, inspect(arg, { depth: 10 }));
      };
    }
    const streams = [process.stdout, process.stderr] as const;
    const writes = streams.map((stream) => stream.write);
    streams.forEach((stream, i) => {
      const name = i === 0 ? 'stdout' : 'stderr';
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.counts.stdio += 1;
        this.add(
          name,
          typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(),
        );
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }) as typeof stream.write;
    });
    this.#restore = () => {
      for (const [method, original] of saved) console[method] = original;
      streams.forEach((stream, i) => {
        stream.write = writes[i] as typeof stream.write;
      });
    };
  }

  uninstall(): void {
    this.#restore?.();
    this.#restore = undefined;
  }

  /** Records an error as every common renderer would show it, cause by cause. */
  error(where: string, error: unknown): void {
    this.counts.errors += 1;
    this.add(`${where} inspect`, inspect(error, { depth: 10 }));
    for (const [i, e] of causeChain(error).entries()) {
      const label = `${where} cause[${i}]`;
      this.add(`${label} String`, safeString(e));
      this.add(`${label} JSON`, safeJson(e));
      this.add(`${label} inspect`, inspect(e, { depth: 10 }));
      if (e instanceof Error) {
        this.add(`${label} message`, e.message);
        this.add(`${label} stack`, e.stack ?? '');
      }
      // Framework exceptions carry the body they will answer with.
      const getResponse = (e as { getResponse?: unknown } | null)?.getResponse;
      if (typeof getResponse === 'function') {
        this.add(`${label} getResponse`, safeJson(getResponse.call(e)));
      }
    }
  }

  event(where: string, event: { readonly type: string; readonly error?: unknown }): void {
    this.counts.events += 1;
    this.add(`${where} event JSON`, safeJson(event));
    this.add(`${where} event inspect`, inspect(event, { depth: 10 }));
    if (event.error !== undefined) this.error(`${where} event.error`, event.error);
  }

  response(where: string, answer: HttpAnswer): void {
    this.counts.responses += 1;
    const headers =
      answer.headers instanceof Headers ? [...answer.headers] : Object.entries(answer.headers);
    this.add(
      `${where} response`,
      `${answer.status}\n${headers.map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${answer.body}`,
    );
  }

  /** Where any of `needles` occurs, as `where: needle` lines (needles shortened). */
  find(needles: Iterable<string>): string[] {
    const found: string[] = [];
    const list = [...needles].filter((needle) => needle.length > 0);
    for (const { where, text } of this.#items) {
      for (const needle of list) {
        if (text.includes(needle)) found.push(`${where}: ${needle.slice(0, 12)}…`);
      }
    }
    return found;
  }
}
