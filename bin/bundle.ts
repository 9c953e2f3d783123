/**
 * `npm run bundle`: builds the rotation function once, ahead of any synth, into
 * `dist/function/index.mjs` (the directory the construct deploys) and
 * `dist/stytch-secret-rotation-function.zip` (the same file, zipped, for Terraform or SAM users).
 * The CDK app, the tests and the published package all use these bytes; nobody bundles at synth.
 *
 * The build is deterministic (fixed esbuild options, a fixed zip timestamp), so two builds of one
 * commit give identical bytes and the CDK asset hash changes only when the code does.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, buildSync } from 'esbuild';
import { zipSync } from 'fflate';

/** The repository root: bin/.. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the bundle goes, relative to the package root; lib/function-bundle.ts reads the same path. */
export const BUNDLE_PATHS = {
  directory: join(ROOT, 'dist', 'function'),
  entry: join(ROOT, 'dist', 'function', 'index.mjs'),
  zip: join(ROOT, 'dist', 'stytch-secret-rotation-function.zip'),
} as const;

/** Zip entries carry a timestamp; a fixed one keeps the zip's bytes a function of the code alone. */
const ZIP_MTIME = new Date('2020-01-01T00:00:00Z');

/** The esbuild options of the shipped bundle; bench/bundle.ts rebuilds with the same ones. */
export const FUNCTION_BUILD_OPTIONS = {
  entryPoints: [join(ROOT, 'lambda', 'rotation', 'handler.ts')],
  bundle: true,
  platform: 'node',
  target: 'node22',
  // ESM: index.mjs is an ES module wherever it runs, including the local sandbox inside this
  // "type": "module" package, and esbuild prefers the SDK's ES builds, which tree-shake better.
  format: 'esm',
  mainFields: ['module', 'main'],
  minify: true,
  // Error and class names survive minification, so stack traces and logs stay readable.
  keepNames: true,
  // Source maps would need --enable-source-maps, which slows every cold start.
  sourcemap: false,
  // Bundle @aws-sdk instead of using the runtime's copy: the version is the one tested here.
  external: [],
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js:
      "import { createRequire as __stytchCreateRequire } from 'node:module'; " +
      'const require = __stytchCreateRequire(import.meta.url);',
  },
} satisfies BuildOptions;

/** What one build wrote. */
export interface BuiltBundle {
  readonly entry: string;
  readonly zip: string;
  readonly bytes: number;
}

/** Bundles `lambda/rotation/handler.ts` (export `handler`) for nodejs22.x and zips it. */
export function buildFunctionBundle(): BuiltBundle {
  const built = buildSync({
    ...FUNCTION_BUILD_OPTIONS,
    outfile: BUNDLE_PATHS.entry,
    write: false,
    logLevel: 'warning',
  });
  const code = built.outputFiles[0]?.contents;
  if (code === undefined) throw new Error('esbuild produced no output for the function bundle');
  const zipped = zipSync({ 'index.mjs': [code, { mtime: ZIP_MTIME, level: 9 }] });
  writeIfChanged(BUNDLE_PATHS.entry, code);
  writeIfChanged(BUNDLE_PATHS.zip, zipped);
  return { entry: BUNDLE_PATHS.entry, zip: BUNDLE_PATHS.zip, bytes: code.length };
}

/**
 * Replaces the file only when its bytes change, and then by rename: a synth or a test reading
 * the bundle while another process rebuilds it never sees a half-written file.
 */
function writeIfChanged(path: string, bytes: Uint8Array): void {
  if (existsSync(path) && Buffer.from(bytes).equals(readFileSync(path))) return;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = buildFunctionBundle();
  if (!process.argv.includes('--quiet')) {
    console.log(
      `wrote ${relative(process.cwd(), built.entry)} (${built.bytes} bytes) and ` +
        `${relative(process.cwd(), built.zip)}`,
    );
  }
}
