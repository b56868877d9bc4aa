import { noop } from './timers';
import type { AccessToken } from './types';

/** Bodies that can be sent a second time: anything but a stream (or Node's async iterables). */
const replayable = (body: unknown): boolean =>
  !(body instanceof ReadableStream || Symbol.asyncIterator in Object(body));

const MAX_REDIRECTS = 20;

/**
 * Follows redirects as `fetch` would, but keeps `Authorization` only while the
 * target has the origin of the request that was checked: a cross-origin hop (a
 * media file on a CDN, an attacker's Location) gets the request without it.
 */
async function followRedirects(
  fetchImpl: typeof globalThis.fetch,
  first: Response,
  sent: { url: URL; method: string; headers: Headers; init: RequestInit | undefined },
): Promise<Response> {
  let response = first;
  let { method } = sent;
  let body = sent.init?.body;
  let current = sent.url;
  const headers = new Headers(sent.headers);
  for (let hops = 0; hops < MAX_REDIRECTS; hops++) {
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || response.status === 304 || !location) {
      return response;
    }
    const next = new URL(location, current);
    // 303, and 301/302 after a POST, turn into a body-less GET (as browsers and undici do).
    if (response.status === 303 ? method !== 'HEAD' : response.status < 303 && method === 'POST') {
      method = 'GET';
      body = undefined;
      headers.delete('content-type');
    } else if (body != null && !replayable(body)) {
      return response;
    }
    if (next.origin !== sent.url.origin) headers.delete('authorization');
    discard(response);
    current = next;
    const { signal, credentials, cache, referrerPolicy, keepalive } = sent.init ?? {};
    response = await fetchImpl(next, {
      method,
      headers,
      body,
      signal,
      credentials,
      cache,
      referrerPolicy,
      keepalive,
      redirect: 'manual',
    });
  }
  discard(response);
  throw new TypeError('fetch failed: too many redirects');
}

/** Frees the connection held by a response we will not hand out. */
const discard = (response: Response) => {
  response.body?.cancel().catch(noop);
};

/** What {@link bearerFetch} needs from its manager, and the call. */
export interface BearerFetch {
  /** The manager's `fetch`. */
  readonly fetch: typeof globalThis.fetch;
  /** Throws unless the URL may receive the bearer. */
  readonly check: (url: URL) => void;
  /** The manager's current token. */
  readonly getToken: () => Promise<AccessToken>;
  /** The API refused this token (401): drop it if it is still the current one. */
  readonly onRejected: (accessToken: string) => void;
  readonly input: RequestInfo | URL;
  readonly init?: RequestInit;
}

/**
 * `fetch` with `Authorization: Bearer …` set (replacing any caller-supplied
 * Authorization header), for allowed hosts only; on a 401 the token is dropped
 * and the request is sent once more with a new one when its body can be replayed.
 */
export async function bearerFetch(call: BearerFetch): Promise<Response> {
  const { fetch: fetchImpl, check, getToken, onRejected: reject, input, init } = call;
  const isRequest = input instanceof Request;
  // The URL checked is the URL sent: an input read twice could name another host the second time.
  const url = new URL(isRequest ? input.url : String(input));
  check(url);
  const redirect = init?.redirect ?? (isRequest ? input.redirect : 'follow');
  const send = async (token: AccessToken) => {
    // Headers given in `init` replace a Request's own headers, as in plain fetch.
    const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
    headers.set('authorization', `Bearer ${token.accessToken}`);
    if (redirect !== 'follow') return fetchImpl(isRequest ? input : url, { ...init, headers });
    // Redirects are followed here, not by the runtime, so that whatever the runtime does
    // the bearer never leaves the origin it was checked for.
    const first = await fetchImpl(isRequest ? input : url, {
      ...init,
      headers,
      redirect: 'manual',
    });
    const method = (init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
    // A Request's own body is a stream: not sent twice (a 307 to it is handed back as is).
    const body = init?.body === undefined && isRequest ? input.body : init?.body;
    return followRedirects(fetchImpl, first, { url, method, headers, init: { ...init, body } });
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
