import type { AccessToken } from './types';

/** What {@link bearerFetch} needs from its manager. */
export interface BearerFetchDeps {
  readonly fetch: typeof globalThis.fetch;
  readonly check: (url: URL) => void;
  readonly getToken: () => Promise<AccessToken>;
  /** Drops `accessToken` if it is still the current one (so concurrent 401s share one refresh). */
  readonly reject: (accessToken: string) => void;
}

/** Bodies that can be sent a second time: anything but a stream. */
const replayable = (body: unknown): boolean =>
  body == null ||
  typeof body === 'string' ||
  body instanceof URLSearchParams ||
  body instanceof ArrayBuffer ||
  ArrayBuffer.isView(body) ||
  (typeof Blob === 'function' && body instanceof Blob) ||
  (typeof FormData === 'function' && body instanceof FormData);

/** Frees the connection held by a response we will not hand out. */
const discard = (response: Response) => {
  response.body?.cancel().catch(() => {});
};

/**
 * `fetch` with `Authorization: Bearer …` set (replacing any caller-supplied
 * Authorization header), for allowed hosts only; on a 401 the token is dropped
 * and the request is sent once more with a new one when its body can be replayed.
 */
export async function bearerFetch(
  deps: BearerFetchDeps,
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<Response> {
  const isRequest = typeof Request === 'function' && input instanceof Request;
  deps.check(new URL(isRequest ? input.url : String(input)));
  const send = (token: AccessToken) => {
    // Headers given in `init` replace a Request's own headers, as in plain fetch.
    const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
    headers.set('authorization', `Bearer ${token.accessToken}`);
    const request = deps.fetch;
    return request(input, { ...init, headers });
  };
  const token = await deps.getToken();
  const response = await send(token);
  const canReplay =
    init?.body !== undefined ? replayable(init.body) : !(isRequest && input.body !== null);
  if (response.status !== 401 || !canReplay) return response;
  deps.reject(token.accessToken);
  let next: AccessToken;
  try {
    next = await deps.getToken();
  } catch (error) {
    discard(response);
    throw error;
  }
  if (next.accessToken === token.accessToken) return response;
  discard(response);
  return send(next);
}
