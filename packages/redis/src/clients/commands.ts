/**
 * The few Redis commands the store needs, as each client adapter provides them.
 * Every client the store accepts is one short file onto this interface.
 */
export interface RedisCommands {
  /** `GET key`: the value as text, `null` when absent. */
  get(key: string): Promise<string | null>;
  /** `SET key value PX ms`. */
  set(key: string, value: string, px: number): Promise<void>;
  /** `SET key value PX ms NX`: whether the key was set (the lock taken). */
  setIfAbsent(key: string, value: string, px: number): Promise<boolean>;
  /** `DEL key`. */
  del(key: string): Promise<void>;
  /** Runs {@link RELEASE_SCRIPT}: deletes `key` only while it holds `value`. */
  deleteIfEquals(key: string, value: string): Promise<void>;
}

// Deletes the lock only while it still holds this owner's value: a holder whose
// lock expired (and was taken by another process) must not release the new one.
export const RELEASE_SCRIPT =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

const utf8 = new TextDecoder();

/**
 * A GET reply as text. Clients may map bulk strings to bytes (node-redis's
 * `typeMapping`) or parse them as JSON (Upstash's automatic deserialization):
 * both are turned back into the text that was stored.
 */
export function replyText(reply: unknown): string | null {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return utf8.decode(reply);
  // Our values are JSON objects: a client that parsed one gets back the same text.
  return typeof reply === 'object' ? JSON.stringify(reply) : String(reply);
}

/** Whether `value` has a method of each name. */
export const hasMethods = (value: object, names: readonly string[]): boolean =>
  names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');

export const COMMAND_NAMES = ['get', 'set', 'del', 'eval'] as const;
