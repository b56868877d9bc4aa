export interface UpstashRest {
  /** The REST URL to give `new Redis({ url, token })` of `@upstash/redis`. */
  readonly url: string;
  readonly token: string;
  /** Requests served so far, by path (`/` or `/pipeline`), and commands in them. */
  readonly stats: { requests: Record<string, number>; commands: number; base64: number };
  /** The next request whose body contains `text` is answered HTTP 400 with an error. */
  failNextWith(text: string): void;
  close(): Promise<void>;
}

/** The REST fixture in front of the Redis at `redisUrl`, on a free loopback port. */
export function startUpstashRest(redisUrl: string): Promise<UpstashRest>;
