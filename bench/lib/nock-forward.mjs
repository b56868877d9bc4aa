import { Agent, request } from 'node:http';
import nock from 'nock';

/** Twilio hosts the official SDK talks to in the benchmarked paths. */
export const TWILIO_ORIGINS = [
  'https://oauth.twilio.com',
  'https://api.twilio.com',
  'https://preview-iam.twilio.com',
];

/** Human-readable account of the interception, printed with the results. */
export const FORWARDING_NOTE =
  'twilio SDK: its HTTPS requests to oauth.twilio.com, api.twilio.com and preview-iam.twilio.com are intercepted ' +
  'in-process by nock 14 and forwarded over loopback HTTP (keep-alive) to the mock server; ' +
  "nock replies with the mock's status, headers and body and an explicit Content-Length. " +
  'Its figures include that interception cost (see the "twilio SDK, static bearer" row).';

// Hop-by-hop headers are the transport's business, not the forwarded message's.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/**
 * Intercepts every request to the Twilio hosts with nock and answers it from
 * the mock server at `targetUrl`. Returns a function that removes the
 * interceptors and restores Node's HTTP stack.
 */
export function forwardTwilioTo(targetUrl) {
  const target = new URL(targetUrl);
  const agent = new Agent({ keepAlive: true });
  if (!nock.isActive()) nock.activate();

  function forward(path, body) {
    const { method, headers } = this.req;
    const outgoing = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!HOP_BY_HOP.has(name) && name !== 'host') outgoing[name] = value;
    }
    // nock hands over JSON bodies parsed; everything else (the SDK's forms) as a string.
    const text = typeof body === 'object' && body !== null ? JSON.stringify(body) : body;
    const payload = text === undefined || text === '' ? undefined : Buffer.from(String(text));
    if (payload) outgoing['content-length'] = String(payload.length);
    const send = (retried) =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            hostname: target.hostname,
            port: target.port,
            method,
            path,
            headers: outgoing,
          },
          (res) => {
            const chunks = [];
            res.on('data', (chunk) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
              const data = Buffer.concat(chunks);
              const replyHeaders = {};
              for (const [name, value] of Object.entries(res.headers)) {
                if (!HOP_BY_HOP.has(name)) replyHeaders[name] = value;
              }
              // Without it nock leaves keep-alive clients (the SDK's axios) waiting for more body.
              replyHeaders['content-length'] = String(data.length);
              resolve([res.statusCode, data, replyHeaders]);
            });
          },
        );
        req.on('error', (error) => {
          // A kept-alive socket the mock closed (idle timeout) just as it was reused: the request
          // never reached the mock, so it is sent again once (as Node's http docs advise).
          if (!retried && req.reusedSocket && error.code === 'ECONNRESET') {
            resolve(send(true));
          } else reject(error);
        });
        req.end(payload);
      });
    return send(false);
  }

  const scopes = TWILIO_ORIGINS.map((origin) =>
    nock(origin)
      .persist()
      .get(() => true)
      .reply(forward)
      .post(() => true)
      .reply(forward),
  );
  return () => {
    for (const scope of scopes) scope.persist(false);
    nock.cleanAll();
    nock.restore();
    agent.destroy();
  };
}
