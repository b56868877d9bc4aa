// Bundles a Worker entry into one ES module, everything inlined, the way wrangler
// deploys it: what every workerd test and the workers bench runs in miniflare. No
// `nodejs_compat`: a `node:` import anywhere would fail to load.
import { build } from 'tsdown';

/**
 * @param {{ entry: string, outDir: string, cwd?: string }} options
 * @returns {Promise<string>} the bundle's path (`<outDir>/worker.mjs`)
 */
export async function bundleWorker({ entry, outDir, cwd }) {
  await build({
    ...(cwd ? { cwd } : {}),
    entry: { worker: entry },
    outDir,
    format: 'esm',
    platform: 'browser',
    fixedExtension: true,
    dts: false,
    config: false,
    report: false,
    logLevel: 'silent',
    deps: { alwaysBundle: [/./], onlyBundle: false },
  });
  return `${outDir}/worker.mjs`;
}
