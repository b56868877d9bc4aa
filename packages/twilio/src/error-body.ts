/**
 * The error body of an answer, made readable by the SDK's `RestException`, which reads only
 * `message`, `code`, `more_info` and `details`. The Organizations API answers in two other
 * shapes: a SCIM error (`detail`, `scimType`, `moreInfo`, a string `status`) and Twilio's
 * service error (`message`, `moreInfo`). Without this, a SCIM error reaches `RestException` with
 * no message at all.
 *
 * Fills in, without changing what is there: `message` from `detail`, `more_info` from
 * `moreInfo`, and `details.scimType` from `scimType` (so `error.details.scimType` reads it).
 * Anything else, and every non-object body, is returned as it is — RFC 9457 answers included,
 * which the SDK turns into its `TwilioServiceException` on its own.
 */
export function readableErrorBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const fields = body as Record<string, unknown>;
  const { detail, moreInfo, scimType, details } = fields;
  const message = fields.message ?? (typeof detail === 'string' ? detail : undefined);
  const moreInfoUrl = fields.more_info ?? (typeof moreInfo === 'string' ? moreInfo : undefined);
  if (message === fields.message && moreInfoUrl === fields.more_info && scimType === undefined) {
    return body;
  }
  const readable: Record<string, unknown> = { ...fields };
  if (message !== undefined) readable.message = message;
  if (moreInfoUrl !== undefined) readable.more_info = moreInfoUrl;
  if (typeof scimType === 'string') {
    const extra = typeof details === 'object' && details !== null ? details : {};
    readable.details = { ...extra, scimType };
  }
  return readable;
}
