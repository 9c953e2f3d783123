/**
 * Running `cdk synth` for the entry points that execute the synthesized bundle (`npm start`,
 * `npm run local-cloud`, `npm run bench`), after their command line is checked, so `--help` and a
 * bad flag answer at once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What the synthesized bundle and template are built from. */
const SOURCES = ['bin/app.ts', 'cdk.json', 'lambda', 'lib', 'package-lock.json'];

/** `cdk synth` failed; its own output has already gone to stderr. */
export class SynthesisError extends Error {
  override readonly name = 'SynthesisError';
}

/**
 * Runs `npx cdk synth --quiet` in the project (output to `cdkOut`), inheriting stderr.
 * @throws SynthesisError when it exits non-zero
 */
export function synthesize(cdkOut = 'cdk.out'): void {
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', resolve(cdkOut)], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) {
    throw new SynthesisError(`npx cdk synth failed (exit ${result.status ?? result.signal})`);
  }
}

/**
 * Synthesizes when `cdkOut` has no assembly or is older than any source it is built from. Returns
 * whether it synthesized.
 */
export function synthesizeIfStale(cdkOut = 'cdk.out'): boolean {
  const manifest = join(resolve(cdkOut), 'manifest.json');
  if (existsSync(manifest)) {
    const builtAt = statSync(manifest).mtimeMs;
    const newest = Math.max(...SOURCES.map((path) => newestChange(join(PROJECT_ROOT, path))));
    if (newest <= builtAt) return false;
  }
  synthesize(cdkOut);
  return true;
}

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(
    stat.mtimeMs,
    ...readdirSync(path).map((entry) => newestChange(join(path, entry))),
  );
}
