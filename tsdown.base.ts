import { defineConfig, type UserConfig } from 'tsdown';

/**
 * What every publishable package's build shares: ESM and CJS with their own declaration files,
 * named `.mjs` / `.cjs` / `.d.mts` / `.d.cts` whatever the package's `type` (what the `exports`
 * maps in the packages' `package.json` point to), in a `dist/` emptied first.
 *
 * `platform` is the one choice each package makes: `neutral` for code that must run on any
 * runtime (core, Hono), `node` for the rest. The checks of the published shape (publint,
 * arethetypeswrong) run on the packed tarball in `scripts/check-package.mjs`, not here: tsdown's
 * own only warn, and would pack on every build.
 *
 * @example
 * export default packageConfig({ entry: ['src/index.ts'], platform: 'node' });
 */
export function packageConfig(
  options: Pick<UserConfig, 'entry' | 'platform'> & UserConfig,
): UserConfig {
  return defineConfig({
    format: ['esm', 'cjs'],
    dts: true,
    fixedExtension: true,
    clean: true,
    ...options,
  });
}
