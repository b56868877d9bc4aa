import { HttpException } from '@nestjs/common';
import twilio from 'twilio';

/**
 * The SDK's RestException as Twilio's status and code (its message is the SCIM `detail` on the
 * Organizations API); anything else as it is (token failures are already 502/503).
 */
export function httpError(error: unknown): unknown {
  if (error instanceof twilio.RestException) {
    return new HttpException(`${error.message} (Twilio error ${error.code})`, error.status);
  }
  return error;
}

/** Runs an SDK call, its errors through {@link httpError}. */
export async function sdkCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw httpError(error);
  }
}
