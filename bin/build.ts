/**
 * `npm run build` (and `npm pack`, through `prepack`): everything the npm package ships.
 * - `dist/lib/*.js` and `*.d.ts`: the construct, compiled by tsc (tsconfig.build.json), relative
 *   imports rewritten from `.ts` to `.js` so that plain Node and any TypeScript consumer load them;
 * - `dist/function/index.mjs` and `dist/stytch-secret-rotation-function.zip`: the prebuilt function
 *   (bin/bundle.ts), which the construct deploys as is;
 * - `dist/cli.mjs`: the operator CLI (`stytch-rotation`, the package's bin), bundled for plain node.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { buildFunctionBundle } from './bundle.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LIB_OUT = join(ROOT, 'dist', 'lib');

/** Compiles lib/ and rewrites the declarations' relative `.ts` imports (tsc rewrites only the JS). */
export function buildLibrary(): void {
  rmSync(LIB_OUT, { recursive: true, force: true });
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.build.json exited with ${tsc.status}`);
  for (const file of readdirSync(LIB_OUT)) {
    if (!file.endsWith('.d.ts')) continue;
    const path = join(LIB_OUT, file);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace(/(from\s+'\.{1,2}\/[^']+)\.ts'/g, "$1.js'"));
  }
}

/** Bundles bin/cli.ts with its dependencies into dist/cli.mjs, runnable by plain node. */
export function buildCli(): void {
  const outfile = join(ROOT, 'dist', 'cli.mjs');
  const built = buildSync({
    entryPoints: [join(ROOT, 'bin', 'cli.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    write: false,
    outfile,
    // Bundled CommonJS dependencies call require() for Node built-ins.
    banner: {
      js:
        "import { createRequire as __stytchCreateRequire } from 'node:module'; " +
        'const require = __stytchCreateRequire(import.meta.url);',
    },
    logLevel: 'warning',
  });
  const code = new TextDecoder().decode(built.outputFiles[0]?.contents);
  // The source's hashbang runs it through tsx; the bundle needs only node.
  writeFileSync(outfile, `#!/usr/bin/env node\n${code.replace(/^#![^\n]*\n/, '')}`);
  chmodSync(outfile, 0o755);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildLibrary();
  buildCli();
  const bundle = buildFunctionBundle();
  console.log(`built dist/lib, dist/cli.mjs and dist/function (${bundle.bytes} bytes)`);
}
