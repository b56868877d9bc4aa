import { HostNotAllowedError, InvalidOptionsError } from './errors';
import { isLoopback } from './options';

const normalise = (host: string) => host.toLowerCase().replace(/\.$/, '');

/**
 * Compiles `allowedHosts` into a check that throws {@link HostNotAllowedError}
 * unless `url` may receive the bearer. Patterns are host names, matched
 * case-insensitively, a trailing dot ignored; `*.example.com` matches any
 * subdomain of `example.com` (not `example.com` itself). Ports are not part of
 * a pattern. The URL must be https, or http to a loopback host.
 *
 * @throws {InvalidOptionsError} when a pattern is empty or not a host name.
 */
export function hostAllowList(patterns: readonly string[] = ['*.twilio.com']): (url: URL) => void {
  if (!Array.isArray(patterns)) {
    throw new InvalidOptionsError('allowedHosts', 'must be an array of host names');
  }
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const pattern of patterns) {
    const host = typeof pattern === 'string' ? normalise(pattern) : '';
    if (!/^(\*\.)?([a-z0-9_-]+\.)*[a-z0-9_-]+$|^\[[0-9a-f:.]+\]$/.test(host)) {
      throw new InvalidOptionsError(
        'allowedHosts',
        'entries must be host names like "*.twilio.com"',
      );
    }
    if (host.startsWith('*.')) suffixes.push(host.slice(1));
    else exact.add(host);
  }
  return (url) => {
    // WHATWG URL parsing has already taken userinfo, port and escapes out of `hostname`.
    const host = normalise(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(host))) {
      throw new HostNotAllowedError(host, 'https is required');
    }
    if (!exact.has(host) && !suffixes.some((suffix) => host.endsWith(suffix))) {
      throw new HostNotAllowedError(host);
    }
  };
}
