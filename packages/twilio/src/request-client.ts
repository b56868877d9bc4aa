import { InvalidOptionsError } from '@twilio-oauth/core';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type TwilioResponse from 'twilio/lib/http/response';
import { appendParams, decodeBody, encodeBody } from './encode';
import { readableErrorBody } from './error-body';
import type { ResolvedOptions, TwilioFetcher } from './options';

/** Headers the SDK sets that belong to the transport (or to the manager), never forwarded. */
const DROPPED = new Set(['authorization', 'connection', 'keep-alive', 'transfer-encoding', 'host']);

/**
 * The SDK's `httpClient`, sending each request through `manager.fetch()`: the manager adds the
 * bearer (allowed hosts only), renews it once on a 401 and owns the connections. The SDK's own
 * credentials (`username`, `password`, `authStrategy`) are ignored: this client never holds or
 * sees a token.
 *
 * It extends the `RequestClient` of the `twilio` the app installed, so that the SDK's types and
 * `instanceof` checks hold; that class's own transport (axios) is never used.
 */
export class ManagerRequestClient extends twilio.RequestClient {
  readonly #manager: TwilioFetcher;
  readonly #config: ResolvedOptions;

  constructor(manager: TwilioFetcher, config: ResolvedOptions) {
    super({ timeout: config.timeoutMs });
    this.#manager = manager;
    this.#config = config;
  }

  /**
   * Sends one SDK request. Token failures reject with the manager's own `TokenRequestError`,
   * refused hosts with its `HostNotAllowedError`, an account resource on a client built without
   * `accountSid` with `InvalidOptionsError` (nothing sent); HTTP answers of any status resolve,
   * for the SDK to turn into its `RestException` (error bodies made readable by it first).
   */
  override async request<TData>(
    opts: RequestClient.RequestOptions<TData>,
  ): Promise<TwilioResponse<TData>> {
    if (!opts.method) throw new Error('http method is required');
    if (!opts.uri) throw new Error('uri is required');
    const url = this.#target(opts.uri);
    // Built without an account SID, the SDK names account resources `/Accounts//…`.
    if (this.#config.accountSid === undefined && url.pathname.includes('/Accounts//')) {
      throw new InvalidOptionsError(
        'accountSid',
        'is needed for account resources such as messages: pass it to twilioClient',
      );
    }
    appendParams(url.searchParams, opts.params);
    const headers = new Headers();
    for (const [name, value] of Object.entries(opts.headers ?? {})) {
      if (value !== undefined && !DROPPED.has(name.toLowerCase())) headers.set(name, String(value));
    }
    const method = opts.method.toUpperCase();
    const body =
      method === 'GET'
        ? undefined
        : encodeBody(opts.data, headers.get('content-type') ?? undefined);
    const debug = (opts.logLevel ?? this.#config.logLevel) === 'debug';
    if (debug) logRequest(method, url, headers);
    const response = await this.#manager.fetch(url, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(opts.timeout || this.#config.timeoutMs),
      // As the SDK: redirects are answers unless the call asks for them. When followed (by the
      // manager), the bearer is kept only on hops to the origin that was checked.
      redirect: opts.allowRedirects ? 'follow' : 'manual',
    });
    const text = await response.text();
    const responseHeaders = Object.fromEntries(response.headers);
    if (debug) logResponse(response.status, responseHeaders);
    const decoded = decodeBody(text);
    return {
      statusCode: response.status,
      body: (response.status >= 400 ? readableErrorBody(decoded) : decoded) as TData,
      headers: responseHeaders,
    };
  }

  /** The URL to send to: `https://*.twilio.com` moved onto `apiBaseUrl` when one is set. */
  #target(uri: string): URL {
    const url = new URL(uri);
    const base = this.#config.apiBaseUrl;
    if (!base || url.protocol !== 'https:' || !isTwilioHost(url.hostname)) return url;
    const prefix = base.pathname.replace(/\/+$/, '');
    return new URL(`${base.origin}${prefix}${url.pathname}${url.search}`);
  }
}

const isTwilioHost = (hostname: string) =>
  hostname === 'twilio.com' || hostname.endsWith('.twilio.com');

// The SDK's debug log, in its shape; the Authorization header never reaches this client.
function logRequest(method: string, url: URL, headers: Headers): void {
  console.log('-- BEGIN Twilio API Request --');
  console.log(`${method} ${url.href}`);
  console.log('Headers:');
  for (const [name, value] of headers) console.log(`${name}: ${value}`);
  console.log('-- END Twilio API Request --');
}

function logResponse(status: number, headers: Record<string, string>): void {
  console.log(`response.statusCode: ${status}`);
  console.log(`response.headers: ${JSON.stringify(headers)}`);
}
