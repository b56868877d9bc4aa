// Preloaded (`node --import`) into a documented app run by the docs test: the snippets call
// Twilio's real URLs, and this sends those requests to the local mock server instead, so the
// snippet runs exactly as written. Fine for a docs test; never do this in an application.
const target = process.env.DOCS_TEST_MOCK_URL;
if (!target) throw new Error('DOCS_TEST_MOCK_URL is not set');

const TWILIO_ORIGINS = [
  'https://oauth.twilio.com',
  'https://api.twilio.com',
  'https://preview-iam.twilio.com',
];
const realFetch = globalThis.fetch;

function redirect(url) {
  const origin = TWILIO_ORIGINS.find((o) => url === o || url.startsWith(`${o}/`));
  return origin ? target + url.slice(origin.length) : undefined;
}

globalThis.fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  const local = redirect(url);
  if (local === undefined) return realFetch(input, init);
  return realFetch(input instanceof Request ? new Request(local, input) : local, init);
};
