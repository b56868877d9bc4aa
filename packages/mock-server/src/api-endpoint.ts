import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from './context';
import { mediaType, requestPath, requestQuery, sendJson, sendTwilioError } from './http';
import { MAX_BODY_CHARS } from './messages';
import { ACCOUNT_SID_PATTERN } from './options';
import { bearerChallenge, passGate } from './rest-gate';

/** Every path under this prefix belongs to the REST API (and to the `api` fault). */
export const API_PREFIX = '/2010-04-01/';

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages(?:\/([^/]+))?\.json$/;
const MESSAGE_SID_PATTERN = /^(SM|MM)[0-9a-fA-F]{32}$/;
// Twilio's next_page_uri carries `PageToken=PA<sid of the page's last message>`.
const PAGE_TOKEN_PATTERN = /^PA((?:SM|MM)[0-9a-fA-F]{32})$/;
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
const INVALID_PARAMETER = 20422;

/** Parses a non-negative integer query parameter; `undefined` when it is not one. */
function integerParam(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = query.get(name);
  if (raw === null) return fallback;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

function listMessages(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  accountSid: string,
): void {
  const query = requestQuery(req);
  const pageSize = integerParam(query, 'PageSize', DEFAULT_PAGE_SIZE);
  if (pageSize === undefined || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    sendTwilioError(res, 400, INVALID_PARAMETER, `PageSize must be from 1 to ${MAX_PAGE_SIZE}.`);
    return;
  }
  const page = integerParam(query, 'Page', 0);
  if (page === undefined) {
    sendTwilioError(res, 400, INVALID_PARAMETER, 'Page must be a non-negative integer.');
    return;
  }
  const token = query.get('PageToken');
  const afterSid = token === null ? undefined : PAGE_TOKEN_PATTERN.exec(token)?.[1];
  const result =
    token !== null && afterSid === undefined
      ? undefined
      : ctx.messages.page(accountSid, page, pageSize, afterSid);
  if (!result) {
    sendTwilioError(res, 400, INVALID_PARAMETER, 'PageToken is not valid.');
    return;
  }
  const base = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const pageUri = (n: number, pageToken?: string): string =>
    `${base}?PageSize=${pageSize}&Page=${n}${pageToken ? `&PageToken=${pageToken}` : ''}`;
  const last = result.messages.at(-1);
  sendJson(res, 200, {
    first_page_uri: pageUri(0),
    end: result.start + Math.max(result.messages.length - 1, 0),
    previous_page_uri: page > 0 ? pageUri(page - 1) : null,
    messages: result.messages,
    uri: pageUri(page, token ?? undefined),
    page_size: pageSize,
    start: result.start,
    next_page_uri: result.hasNext && last ? pageUri(page + 1, `PA${last.sid}`) : null,
    page,
  });
}

/** `GET …/Messages/{Sid}.json`: a message created on this account, else 404 (20404). */
function fetchMessage(res: ServerResponse, ctx: ServerContext, accountSid: string, sid: string) {
  const message = MESSAGE_SID_PATTERN.test(sid) ? ctx.messages.get(accountSid, sid) : undefined;
  if (message) sendJson(res, 200, message);
  else sendTwilioError(res, 404, 20404, 'The requested resource was not found.');
}

function createMessage(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  accountSid: string,
  body: Buffer,
): void {
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    sendTwilioError(
      res,
      400,
      INVALID_PARAMETER,
      'The request body must be application/x-www-form-urlencoded.',
    );
    return;
  }
  const form = new URLSearchParams(body.toString('utf8'));
  const to = form.get('To');
  const from = form.get('From') || null;
  const messagingServiceSid = form.get('MessagingServiceSid') || null;
  const text = form.get('Body');
  if (!to) {
    sendTwilioError(res, 400, 21604, "A 'To' phone number is required.");
    return;
  }
  if (!from && !messagingServiceSid) {
    sendTwilioError(res, 400, 21603, "A 'From' phone number is required.");
    return;
  }
  if (!text) {
    sendTwilioError(res, 400, 21602, 'Message body is required.');
    return;
  }
  if ([...text].length > MAX_BODY_CHARS) {
    sendTwilioError(
      res,
      400,
      21617,
      `The concatenated message body exceeds the ${MAX_BODY_CHARS} character limit.`,
    );
    return;
  }
  const message = ctx.messages.create(
    accountSid,
    { to, from, messagingServiceSid, body: text },
    ctx.now(),
  );
  sendJson(res, 201, message);
}

/**
 * The REST API slice: `GET|POST /2010-04-01/Accounts/{AccountSid}/Messages.json` and
 * `GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json`.
 */
export async function handleApi(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const passed = await passGate(ctx, req, res, {
    count: (clientId) => ctx.stats.apiRequest(clientId),
    tooLarge: () =>
      sendTwilioError(res, 413, 20413, 'The request body is too large.', { Connection: 'close' }),
    unauthenticated: (check) => {
      ctx.stats.apiRejected();
      sendTwilioError(res, 401, 20003, check.message, {
        'WWW-Authenticate': bearerChallenge(check),
      });
    },
  });
  if (!passed) return;
  const match = MESSAGES_PATH.exec(requestPath(req));
  const accountSid = match?.[1];
  if (accountSid === undefined || !ACCOUNT_SID_PATTERN.test(accountSid)) {
    sendTwilioError(res, 404, 20404, 'The requested resource was not found.');
    return;
  }
  const sid = match?.[2];
  if (sid !== undefined) {
    if (req.method === 'GET') fetchMessage(res, ctx, accountSid, sid);
    else sendTwilioError(res, 405, 20004, 'Method not allowed.', { Allow: 'GET' });
  } else if (req.method === 'GET') listMessages(ctx, req, res, accountSid);
  else if (req.method === 'POST') createMessage(ctx, req, res, accountSid, passed.body);
  else sendTwilioError(res, 405, 20004, 'Method not allowed.', { Allow: 'GET, POST' });
}
