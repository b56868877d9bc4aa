import type { Fault, Faults } from './types';

/** The endpoints a fault can target. */
export type FaultTarget = keyof Faults;

const TARGETS: readonly FaultTarget[] = ['token', 'api'];

// Upper bound for delays, so that a typo cannot park a request for days.
const MAX_DELAY_MS = 600_000;

type Check = (value: unknown) => string | undefined;

const integerIn =
  (min: number, max: number): Check =>
  (value) =>
    Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;

const boolean: Check = (value) => (typeof value === 'boolean' ? undefined : 'must be a boolean');
const string: Check = (value) => (typeof value === 'string' ? undefined : 'must be a string');

const CHECKS: Record<keyof Fault, Check> = {
  status: integerIn(200, 599),
  retryAfterSeconds: integerIn(0, 86_400),
  delayMs: integerIn(0, MAX_DELAY_MS),
  hang: boolean,
  reset: boolean,
  malformed: boolean,
  oversized: boolean,
  times: integerIn(1, Number.MAX_SAFE_INTEGER),
  tokenType: string,
  expiresIn: (value) =>
    value === null || typeof value === 'string' || Number.isFinite(value)
      ? undefined
      : 'must be a finite number, a string or null',
  twilioCode: integerIn(1, 999_999_999),
  throttledForSeconds: integerIn(0, 86_400),
  body: string,
  contentType: (value) =>
    typeof value === 'string' && value.length > 0 && !/[\r\n]/.test(value)
      ? undefined
      : 'must be a non-empty single-line string',
};

const TOKEN_ONLY: ReadonlySet<string> = new Set(['tokenType', 'expiresIn']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseFault(target: FaultTarget, input: unknown): Fault {
  if (!isRecord(input)) throw new TypeError(`Invalid fault "${target}": must be an object`);
  const fault: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const check = CHECKS[key as keyof Fault] as Check | undefined;
    if (!check) throw new TypeError(`Invalid fault "${target}.${key}": unknown field`);
    if (target !== 'token' && TOKEN_ONLY.has(key)) {
      throw new TypeError(`Invalid fault "${target}.${key}": only applies to the token fault`);
    }
    const problem = check(value);
    if (problem) throw new TypeError(`Invalid fault "${target}.${key}": ${problem}`);
    fault[key] = value;
  }
  return fault as Fault;
}

/**
 * Validates faults given by code or by the admin endpoint (JSON).
 *
 * @throws {TypeError} naming the first invalid field.
 */
export function parseFaults(input: unknown): Faults {
  if (!isRecord(input)) throw new TypeError('Invalid faults: must be an object');
  const faults: { token?: Fault; api?: Fault } = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!TARGETS.includes(key as FaultTarget)) {
      throw new TypeError(`Invalid faults: unknown endpoint "${key}" (use "token" or "api")`);
    }
    faults[key as FaultTarget] = parseFault(key as FaultTarget, value);
  }
  return faults;
}

/** The faults in force, counting down `times` as requests consume them. */
export class FaultState {
  #active: { token?: Fault; api?: Fault } = {};

  /** Replaces every fault. */
  set(faults: Faults): void {
    this.#active = { ...parseFaults(faults) };
  }

  /** The fault for the next request to `target`, if any, consuming one of its `times`. */
  take(target: FaultTarget): Fault | undefined {
    const fault = this.#active[target];
    if (!fault) return undefined;
    if (fault.times !== undefined) {
      if (fault.times <= 1) delete this.#active[target];
      else this.#active[target] = { ...fault, times: fault.times - 1 };
    }
    return fault;
  }

  current(): Faults {
    return { ...this.#active };
  }

  clear(): void {
    this.#active = {};
  }
}
