import { TwilioTokenBroker } from '../src/broker';
import type { BrokerStorage, TokenBrokerNamespace } from '../src/types';

/** `DurableObjectStorage` in memory: what a broker keeps survives a new broker over it. */
export class MemoryStorage implements BrokerStorage {
  readonly values = new Map<string, unknown>();
  alarm: number | null = null;

  async get(key: string) {
    return structuredClone(this.values.get(key));
  }
  async put(key: string, value: unknown) {
    this.values.set(key, structuredClone(value));
  }
  async delete(key: string) {
    return this.values.delete(key);
  }
  async setAlarm(time: number) {
    this.alarm = time;
  }
  async deleteAlarm() {
    this.alarm = null;
  }
}

/**
 * A namespace binding in one Node process: one broker per name, reached through
 * `fetch` with real Request/Response objects, every call recorded by operation.
 */
export function memoryNamespace() {
  const storages = new Map<string, MemoryStorage>();
  const brokers = new Map<string, TwilioTokenBroker>();
  const calls: string[] = [];
  const brokerFor = (name: string) => {
    let broker = brokers.get(name);
    if (!broker) {
      const storage = storages.get(name) ?? new MemoryStorage();
      storages.set(name, storage);
      broker = new TwilioTokenBroker({ storage });
      brokers.set(name, broker);
    }
    return broker;
  };
  const namespace: TokenBrokerNamespace = {
    idFromName: (name) => name,
    get: (id) => ({
      fetch: (url, init) => {
        calls.push(new URL(url).pathname.slice(1));
        return brokerFor(id as string).fetch(new Request(url, init));
      },
    }),
  };
  /** Drops the brokers (their memory: locks, waiters) and keeps their storage, like a restart. */
  const restart = () => brokers.clear();
  return { namespace, calls, storages, restart };
}
