import { noop } from './timers';
import type { AccessToken } from './types';

/** Bodies that can be sent a second time: anything but a stream (or Node's async iterables). */
const replayable = (body: unknown): boolean =>
  !(body instanceof ReadableStream || Symbol.asyncIterator in Object(body));

/** Frees the connection held by a response we will not hand out. */
const discard = (response: Response) => {
  response.body?.cancel().catch(noop);
};

/**
 * `fetch` with `Authorization: Bearer …` set (replacing any caller-supplied
 * Authorization header), for allowed hosts only; on a 401 the token is dropped
 * and the request is sent once more with a new one when its body can be replayed.
 *
 * @param fetchImpl - the manager's `fetch`.
 * @param check - throws unless the URL may receive the bearer.
 * @param getToken - the manager's current token.
 * @param reject - drops a token if it is still the current one (so concurrent 401s share one refresh).
 */
export async function bearerFetch(
  fetchImpl: typeof globalThis.fetch,
  check: (url: URL) => void,
  getToken: () => Promise<AccessToken>,
  reject: (accessToken: string) => void,
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<Response> {
  const isRequest = input instanceof Request;
  // The URL checked is the URL sent: an input read twice could name another host the second time.
  const url = new URL(isRequest ? input.url : String(input));
  check(url);
  const send = (token: AccessToken) => {
    // Headers given in `init` replace a Request's own headers, as in plain fetch.
    const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
    headers.set('authorization', `Bearer ${token.accessToken}`);
    return fetchImpl(isRequest ? input : url, { ...init, headers });
  };
  const token = await getToken();
  const response = await send(token);
  const canReplay =
    init?.body !== undefined ? replayable(init.body) : !(isRequest && input.body !== null);
  if (response.status !== 401 || !canReplay) return response;
  reject(token.accessToken);
  let next: AccessToken;
  try {
    next = await getToken();
  } catch (error) {
    discard(response);
    throw error;
  }
  if (next.accessToken === token.accessToken) return response;
  discard(response);
  return send(next);
}
