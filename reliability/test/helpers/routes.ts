// The three routes every adapter serves (and the Worker in workerd, which bundles this
// file: it imports nothing but types, so it runs on any runtime):
//   GET  /token     getToken(), answers { expiresAt } (never the token)
//   GET  /messages  fetch() to the Messages API, answer relayed as is
//   POST /messages  the same with a form body (replayable on a 401)
import type { TokenHandle } from '@twilio-oauth/core';

export type Route = 'token' | 'messages' | 'send';

export const ROUTES: Record<Route, { readonly method: 'GET' | 'POST'; readonly path: string }> = {
  token: { method: 'GET', path: '/token' },
  messages: { method: 'GET', path: '/messages' },
  send: { method: 'POST', path: '/messages' },
};

const messageForm = () => new URLSearchParams({ To: '+15550001', From: '+15550002', Body: 'Hi' });

/** The route bodies, shared by every adapter: only the handle differs. */
export async function useHandle(twilio: TokenHandle, route: Route, messagesUrl: string) {
  if (route === 'token') {
    const { expiresAt } = await twilio.getToken();
    return { status: 200, contentType: 'application/json', body: JSON.stringify({ expiresAt }) };
  }
  const init: RequestInit = route === 'send' ? { method: 'POST', body: messageForm() } : {};
  const upstream = await twilio.fetch(messagesUrl, init);
  return {
    status: upstream.status,
    contentType: upstream.headers.get('content-type') ?? 'application/json',
    body: await upstream.text(),
  };
}
