/** A free TCP port on loopback. */
export function freePort(): Promise<number>;

/** A private `redis-server` child on a free loopback port, without persistence. */
export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) it: connections stay open, nothing answers. */
  pause(): void;
  resume(): void;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

export function startOwnRedis(extraArgs?: readonly string[]): Promise<OwnRedis>;
