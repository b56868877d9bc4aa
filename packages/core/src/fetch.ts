import { noop } from './timers';
import type { AccessToken } from './types';

/** Bodies that can be sent a second time: anything but a stream (or Node's async iterables). */
const replayable = (body: unknown): boolean =>
  !(body instanceof ReadableStream || Symbol.asyncIterator in Object(body));

const MAX_REDIRECTS = 20;

/** Headers that may identify the caller to a host: never carried to another origin (Fetch, undici). */
const ORIGIN_BOUND_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host'];

/** Headers describing a body: dropped when a redirect turns the request into a body-less GET. */
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'];

/** The request settings each hop keeps: from `init`, else from a `Request` input. */
type HopSettings = Pick<
  RequestInit,
  'signal' | 'credentials' | 'cache' | 'referrerPolicy' | 'keepalive' | 'integrity'
>;

function hopSettings(input: RequestInfo | URL, init: RequestInit | undefined): HopSettings {
  const request = input instanceof Request ? input : undefined;
  const pick = <K extends keyof HopSettings>(name: K): HopSettings[K] =>
    init?.[name] !== undefined ? init[name] : request?.[name];
  return {
    signal: pick('signal'),
    credentials: pick('credentials'),
    cache: pick('cache'),
    referrerPolicy: pick('referrerPolicy'),
    keepalive: pick('keepalive'),
    integrity: pick('integrity'),
  };
}

/** A response, and whether the request that got it carried our bearer. */
interface Answer {
  readonly response: Response;
  readonly carriedBearer: boolean;
}

/**
 * Follows redirects as `fetch` would: a cross-origin hop (a media file on a CDN, an
 * attacker's Location) drops `Authorization`, `Proxy-Authorization`, `Cookie` and `Host`;
 * same-origin hops keep them. Says whether the final request still carried the bearer.
 */
async function followRedirects(
  fetchImpl: typeof globalThis.fetch,
  first: Response,
  sent: {
    url: URL;
    method: string;
    headers: Headers;
    body: RequestInit['body'];
    settings: HopSettings;
  },
): Promise<Answer> {
  let response = first;
  let { method, body } = sent;
  let current = sent.url;
  const headers = new Headers(sent.headers);
  for (let hops = 0; hops < MAX_REDIRECTS; hops++) {
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || response.status === 304 || !location) {
      return { response, carriedBearer: headers.has('authorization') };
    }
    const next = new URL(location, current);
    // 303, and 301/302 after a POST, turn into a body-less GET (as browsers and undici do).
    if (response.status === 303 ? method !== 'HEAD' : response.status < 303 && method === 'POST') {
      method = 'GET';
      body = undefined;
      for (const name of BODY_HEADERS) headers.delete(name);
    } else if (body != null && !replayable(body)) {
      return { response, carriedBearer: headers.has('authorization') };
    }
    if (next.origin !== current.origin) {
      for (const name of ORIGIN_BOUND_HEADERS) headers.delete(name);
    }
    discard(response);
    current = next;
    response = await fetchImpl(next, {
      ...sent.settings,
      method,
      headers,
      body,
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
 * Authorization header), for allowed hosts only; on a 401 to a request that carried
 * the bearer, the token is dropped and the request sent once more with a new one when its
 * body can be replayed.
 */
export async function bearerFetch(call: BearerFetch): Promise<Response> {
  const { fetch: fetchImpl, check, getToken, onRejected: reject, input, init } = call;
  const isRequest = input instanceof Request;
  // The URL checked is the URL sent: an input read twice could name another host the second time.
  const url = new URL(isRequest ? input.url : String(input));
  check(url);
  const redirect = init?.redirect ?? (isRequest ? input.redirect : 'follow');
  const send = async (token: AccessToken): Promise<Answer> => {
    // Headers given in `init` replace a Request's own headers, as in plain fetch.
    const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
    headers.set('authorization', `Bearer ${token.accessToken}`);
    if (redirect !== 'follow') {
      const response = await fetchImpl(isRequest ? input : url, { ...init, headers });
      return { response, carriedBearer: true };
    }
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
    const settings = hopSettings(input, init);
    return followRedirects(fetchImpl, first, { url, method, headers, body, settings });
  };
  const token = await getToken();
  const { response, carriedBearer } = await send(token);
  const canReplay =
    init?.body !== undefined ? replayable(init.body) : !(isRequest && input.body !== null);
  // A 401 from a host that never saw the bearer says nothing about the token.
  if (response.status !== 401 || !carriedBearer || !canReplay) return response;
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
  return (await send(next)).response;
}
