// A token failure as every adapter answers it: the same status, code and Twilio code.
import { httpStatusForError, publicErrorMessage } from '../errors';

/** What a client may see of a failure to get a token; nothing in it holds a secret or token. */
export interface TokenFailure {
  /** 502: credentials rejected or an invalid token response; 503: token service unavailable. */
  readonly status: 502 | 503;
  /** `publicErrorMessage` of the core error, e.g. "Twilio credentials were rejected (invalid_client)". */
  readonly message: string;
  /**
   * What every adapter puts in the response body beside the message: `code`, the OAuth `error`
   * or the core's code (`invalid_client`, `timeout`, `closed`…), and `twilioCode`, the Twilio
   * error code the token endpoint answered (e.g. `322402`) when it sent one.
   */
  readonly codes: { readonly code: string; readonly twilioCode?: number };
  /** The core error, for logs; never to be sent. */
  readonly cause: unknown;
}

/** The {@link TokenFailure} of `error`, or `undefined` when `error` is no token failure. */
export function tokenFailure(error: unknown): TokenFailure | undefined {
  const status = httpStatusForError(error);
  if (status === undefined) return undefined;
  const { code, twilioCode } = error as { code: string; twilioCode?: unknown };
  return {
    status,
    message: publicErrorMessage(error),
    codes: Number.isSafeInteger(twilioCode) ? { code, twilioCode: twilioCode as number } : { code },
    cause: error,
  };
}
