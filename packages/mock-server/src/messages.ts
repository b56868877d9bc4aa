import { randomBytes } from 'node:crypto';
import type { MockMessage } from './types';

/** Longest message body Twilio accepts, in characters. */
export const MAX_BODY_CHARS = 1600;

// GSM 03.38 basic character set; a body made only of these (and the extension table) is sent
// in 7-bit encoding: 160 characters in one segment, 153 per segment when split.
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
// Extension-table characters take two septets (escape + char).
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

/** How many SMS segments `body` needs (GSM-7 when possible, otherwise UCS-2). */
export function countSegments(body: string): number {
  let septets = 0;
  let gsm = true;
  for (const char of body) {
    if (GSM_BASIC.has(char)) septets += 1;
    else if (GSM_EXTENDED.has(char)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  // UCS-2 counts UTF-16 code units.
  return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
}

/** A date in the RFC 2822 form Twilio uses: `Thu, 30 Jul 2015 20:12:31 +0000`. */
export function rfc2822(epochMs: number): string {
  return new Date(epochMs).toUTCString().replace(/GMT$/, '+0000');
}

/** The fields of a new outbound message. */
export interface NewMessage {
  readonly to: string;
  readonly from: string | null;
  readonly messagingServiceSid: string | null;
  readonly body: string;
}

/** One page of a list, with its position. */
export interface MessagePage {
  readonly messages: readonly MockMessage[];
  readonly start: number;
  readonly hasNext: boolean;
}

/** Messages created through the API, per account, in memory. */
export class MessageStore {
  readonly #byAccount = new Map<string, MockMessage[]>();

  create(accountSid: string, fields: NewMessage, nowMs: number): MockMessage {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const date = rfc2822(nowMs);
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`;
    const message: MockMessage = {
      sid,
      account_sid: accountSid,
      api_version: '2010-04-01',
      to: fields.to,
      from: fields.from,
      messaging_service_sid: fields.messagingServiceSid,
      body: fields.body,
      status: 'queued',
      direction: 'outbound-api',
      // Twilio sends these two counts as strings.
      num_segments: String(countSegments(fields.body)),
      num_media: '0',
      price: null,
      price_unit: 'USD',
      error_code: null,
      error_message: null,
      date_created: date,
      date_updated: date,
      date_sent: null,
      uri,
      subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
    };
    const list = this.#byAccount.get(accountSid);
    if (list) list.push(message);
    else this.#byAccount.set(accountSid, [message]);
    return message;
  }

  /** Newest first, like Twilio's list. */
  list(accountSid: string): readonly MockMessage[] {
    return [...(this.#byAccount.get(accountSid) ?? [])].reverse();
  }

  /** The message `sid` of `accountSid`, if it was created there. */
  get(accountSid: string, sid: string): MockMessage | undefined {
    return this.#byAccount.get(accountSid)?.find((message) => message.sid === sid);
  }

  /**
   * One page: from `page * pageSize`, or right after the message `afterSid` (a `PageToken`), so
   * that messages created meanwhile do not shift the next page. `undefined` for an unknown sid.
   */
  page(
    accountSid: string,
    page: number,
    pageSize: number,
    afterSid?: string,
  ): MessagePage | undefined {
    const all = this.list(accountSid);
    const index =
      afterSid === undefined ? -1 : all.findIndex((message) => message.sid === afterSid);
    if (afterSid !== undefined && index === -1) return undefined;
    const start = afterSid === undefined ? page * pageSize : index + 1;
    return {
      messages: all.slice(start, start + pageSize),
      start,
      hasNext: all.length > start + pageSize,
    };
  }

  clear(): void {
    this.#byAccount.clear();
  }
}
