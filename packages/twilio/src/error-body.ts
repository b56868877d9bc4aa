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

/**
 * The SCIM error type (`uniqueness`, `invalidFilter`, `mutability`, `invalidValue`,
 * `invalidSyntax`) of an Organizations API error the SDK rejected with, or `undefined` for any
 * other error. The bridge puts it in the `RestException`'s `details`, which the SDK types only
 * as `object`; this reads it with the types.
 *
 * @param error - whatever an SDK call rejected with.
 * @returns the `scimType` string, or `undefined`.
 * @example
 * try {
 *   await org.users.create({ userName, emails: [{ value: userName, primary: true }] });
 * } catch (error) {
 *   if (scimTypeOf(error) === 'uniqueness') console.log('already provisioned');
 *   else throw error;
 * }
 */
export function scimTypeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('details' in error)) return undefined;
  const { details } = error;
  if (typeof details !== 'object' || details === null || !('scimType' in details)) return undefined;
  return typeof details.scimType === 'string' ? details.scimType : undefined;
}
