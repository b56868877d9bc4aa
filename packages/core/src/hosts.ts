import { HostNotAllowedError, InvalidOptionsError } from './errors';
import { isSecure } from './options';

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
  const list = (Array.isArray(patterns) ? patterns : [0]).map((pattern) => {
    const host = typeof pattern === 'string' ? normalise(pattern) : '';
    if (!/^(\*\.)?[\w-]+(\.[\w-]+)*$|^\[[\da-f:.]+\]$/.test(host)) {
      throw new InvalidOptionsError('allowedHosts', 'must be host names');
    }
    return host;
  });
  return (url) => {
    // WHATWG URL parsing has already taken userinfo, port and escapes out of `hostname`.
    const host = normalise(url.hostname);
    if (!isSecure(url)) {
      throw new HostNotAllowedError(host, 'https is required');
    }
    // "*.x.com" keeps its dot: it matches names ending in ".x.com", never "evilx.com" or "x.com".
    if (!list.some((p) => (p[0] === '*' ? host.endsWith(p.slice(1)) : host === p))) {
      throw new HostNotAllowedError(host);
    }
  };
}
