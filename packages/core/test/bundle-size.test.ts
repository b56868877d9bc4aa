// Keeps the main entry (what an app importing TokenManager pays) small and free of
// runtime imports: the core is meant for edge runtimes too, where every kilobyte is
// paid at cold start. The adapters' `./pool` and `./adapter` entries are measured on their own.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'rolldown';
import { describe, expect, it } from 'vitest';

// 5 KiB (5 009 B) until the core understood Twilio error objects (+~400 B) and gained
// secret-bound store keys, the outage breaker and same-origin redirects (8 KiB), then
// the fail-fast on refused secrets, the monotonic windows and Fetch's header rules on
// redirects (+~300 B): still a fraction of one HTTP round trip at cold start.
const LIMIT_BYTES = 9 * 1024;

describe('bundle', () => {
  it(`is under ${LIMIT_BYTES} bytes minified and gzipped, with no import, process or Buffer`, async () => {
    const result = await build({
      input: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
      platform: 'neutral',
      write: false,
      logLevel: 'silent',
      output: { format: 'esm', minify: true },
    });
    expect(result.output).toHaveLength(1);
    const code = result.output[0]?.code ?? '';
    const gzipped = gzipSync(code).byteLength;
    console.info(`core bundle: ${code.length} B minified, ${gzipped} B gzipped`);
    expect(gzipped).toBeLessThan(LIMIT_BYTES);
    expect(code).not.toMatch(/\bimport\s*[{(*"'`]|\brequire\s*\(/);
    expect(code).not.toMatch(/\b(process|Buffer)\b/);
  }, 30_000);

  it(`the pool entry (what the adapters import) is under ${LIMIT_BYTES} bytes too`, async () => {
    const sizes = await Promise.all(
      ['../src/index.ts', '../src/pool.ts'].map(async (entry) => {
        const result = await build({
          input: fileURLToPath(new URL(entry, import.meta.url)),
          platform: 'neutral',
          write: false,
          logLevel: 'silent',
          output: { format: 'esm', minify: true },
        });
        return gzipSync(result.output[0]?.code ?? '').byteLength;
      }),
    );
    const [main = 0, pool = 0] = sizes;
    console.info(`core pool entry: ${pool} B gzipped (main ${main} B)`);
    expect(pool).toBeLessThan(LIMIT_BYTES);
  }, 30_000);

  it('the adapter entry adds under 3 KiB to what the main entry holds', async () => {
    const result = await build({
      input: fileURLToPath(new URL('../src/adapter/index.ts', import.meta.url)),
      platform: 'neutral',
      write: false,
      logLevel: 'silent',
      // What an adapter pays beyond the main entry, which it imports anyway.
      external: [/token-manager|errors|credential/],
      output: { format: 'esm', minify: true },
    });
    const gzipped = gzipSync(result.output[0]?.code ?? '').byteLength;
    console.info(`core adapter entry: ${gzipped} B gzipped beyond the main entry`);
    // 1.6 KiB of kernel, plus the failure log's state machine and its lines (issue 17), plus
    // the pool's secret binding and the handle's async resolution (issue 24).
    expect(gzipped).toBeLessThan(3 * 1024);
  }, 30_000);
});
