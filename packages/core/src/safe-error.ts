import { TwilioOAuthError } from './errors';

/** Keeps of an error only what cannot hold a secret: its name and `code` (never message or cause). */
export function safeError(error: unknown): Error {
  // Our own errors (a RedisStoreError, say) are written to be safe already.
  if (error instanceof TwilioOAuthError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  // undici puts the useful part (ECONNREFUSED, say) on the cause's code.
  const withCode = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = withCode?.code ?? withCode?.cause?.code;
  const safe = new Error(`${name}${typeof code === 'string' ? ` (${code.slice(0, 64)})` : ''}`);
  safe.name = name.slice(0, 64);
  return safe;
}
