/** Bundles a Worker entry into `<outDir>/worker.mjs`, everything inlined (see bundle-worker.mjs). */
export function bundleWorker(options: {
  entry: string;
  outDir: string;
  cwd?: string;
}): Promise<string>;
