/**
 * Where the construct finds the rotation function's prebuilt bundle: `dist/function/` under the
 * package root, written by `npm run bundle` (bin/bundle.ts) and shipped in the npm package. The same
 * lookup works from `lib/*.ts` in this repository and from `dist/lib/*.js` in an installed package,
 * so both deploy the same bytes and neither needs esbuild at synth time.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundle's entry module inside its directory; the function's handler is `index.handler`. */
export const BUNDLE_ENTRY_FILE = 'index.mjs';
/** The function's handler setting for the bundle. */
export const BUNDLE_HANDLER = 'index.handler';

/** The package has no prebuilt bundle (only possible in a fresh clone of the repository). */
export class FunctionBundleMissingError extends Error {
  override readonly name = 'FunctionBundleMissingError';
}

/**
 * The directory holding the prebuilt bundle.
 * @throws FunctionBundleMissingError when it was never built
 */
export function functionBundleDirectory(): string {
  const root = packageRoot(dirname(fileURLToPath(import.meta.url)));
  const directory = join(root, 'dist', 'function');
  if (!existsSync(join(directory, BUNDLE_ENTRY_FILE))) {
    throw new FunctionBundleMissingError(
      `the rotation function bundle ${join(directory, BUNDLE_ENTRY_FILE)} is missing: run ` +
        '`npm run bundle` in the stytch-secret-rotation repository (the npm package ships it built)',
    );
  }
  return directory;
}

/** The nearest directory at or above `from` that holds a package.json. */
function packageRoot(from: string): string {
  let directory = from;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return from;
    directory = parent;
  }
  return directory;
}
