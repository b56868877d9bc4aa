import { createHash } from 'node:crypto';

/**
 * Credentials of tenant `i`, the same in every process: the parent registers
 * them with the mock server, the memory worker builds its managers from them
 * without receiving 10 000 secrets over IPC.
 */
export function tenantCredentials(i) {
  const hex = i.toString(16).padStart(32, '0');
  return {
    clientId: `OQ${hex}`,
    clientSecret: createHash('sha256').update(`bench-tenant-${i}`).digest('base64url'),
  };
}
