/**
 * The bundle: the synthesized asset's size, and what takes its bytes. The handler is rebuilt with
 * esbuild's JS API and the options `npm run bundle` uses (bin/bundle.ts), with a metafile; the
 * rebuild's size is checked against the asset, so a stale bundle shows in the report.
 * Variants of the same build (SDK external, and ablations that leave one dependency out) are written
 * next to it for the cold-start measurements.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { FUNCTION_BUILD_OPTIONS } from '../bin/bundle.ts';

/** One bundle file, sized. */
export interface BundleSize {
  readonly path: string;
  readonly bytes: number;
  /** gzip -9 of the file: close to its share of the deployment zip. */
  readonly gzipBytes: number;
}

/** A share of the output bundle. */
export interface ByteShare {
  readonly name: string;
  readonly bytes: number;
  readonly share: number;
}

/** A bundle built here from the handler entry. */
export interface BuiltBundle extends BundleSize {
  readonly name: BundleVariant;
  readonly description: string;
  readonly topPackages: readonly ByteShare[];
  readonly topFiles: readonly ByteShare[];
}

export type BundleVariant =
  | 'shipped'
  | 'sdk-external'
  | 'no-keep-names'
  | 'no-undici'
  | 'no-aws-sdk'
  | 'no-undici-no-aws-sdk'
  | 'node-http';

export interface BundleReport {
  /** The entry file of the asset `cdk synth` wrote. */
  readonly synthesized: BundleSize;
  /** The esbuild rebuilds; `shipped` should match `synthesized` byte for byte in size. */
  readonly builds: readonly BuiltBundle[];
  /** `shipped.bytes - synthesized.bytes`; 0 means the rebuild uses the stack's options. */
  readonly rebuildDriftBytes: number;
}

/** The shipped bundle's options (bin/bundle.ts), errors only. */
export const SHIPPED_BUILD_OPTIONS: BuildOptions = { ...FUNCTION_BUILD_OPTIONS, logLevel: 'error' };

/** Replaces matching packages with an empty CommonJS module: what the rest costs without them. */
function leaveOut(filter: RegExp): Plugin {
  return {
    name: 'bench-leave-out',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'left-out' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({
        contents: 'module.exports = {};',
        loader: 'js',
      }));
    },
  };
}

/** Resolves matching imports to another file. */
function redirect(filter: RegExp, path: string): Plugin {
  return {
    name: 'bench-redirect',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter }, () => ({ path }));
    },
  };
}

const STAND_IN = fileURLToPath(new URL('./what-if/undici-on-node-http.ts', import.meta.url));
const AWS_SDK = /^@aws-sdk\//;
/** undici and its internal files, which lambda/stytch/undici-lean.ts imports instead of the index. */
const UNDICI = /^undici(\/|$)/;
/** The wrapper over undici's internals: the what-if stands in for it (same exports, same calls). */
const UNDICI_WRAPPER = /(^|\/)undici-lean\.ts$/;

const VARIANTS: Readonly<
  Record<BundleVariant, { description: string; options: Partial<BuildOptions> }>
> = {
  shipped: { description: 'as the stack bundles it (rebuilt)', options: {} },
  'sdk-external': {
    description: "`@aws-sdk/*` external (the nodejs22.x runtime's SDK)",
    options: { external: ['@aws-sdk/*'] },
  },
  'no-keep-names': { description: 'without `keepNames`', options: { keepNames: false } },
  'no-undici': {
    description: 'undici left out (what it costs)',
    options: { plugins: [leaveOut(UNDICI)] },
  },
  'no-aws-sdk': {
    description: 'AWS SDK clients left out (what they cost)',
    options: { plugins: [leaveOut(AWS_SDK)] },
  },
  'no-undici-no-aws-sdk': {
    description: 'both left out: own code, Powertools, Node built-ins',
    options: { plugins: [leaveOut(UNDICI), leaveOut(AWS_SDK)] },
  },
  'node-http': {
    description: 'what-if: undici replaced by node:http(s) (bench/what-if, runs rotations)',
    options: { plugins: [redirect(UNDICI_WRAPPER, STAND_IN)] },
  },
};

/** Sizes a bundle file: raw bytes and gzip -9. */
export function sizeOf(path: string): BundleSize {
  const bytes = statSync(path).size;
  return { path, bytes, gzipBytes: gzipSync(readFileSync(path), { level: 9 }).length };
}

/**
 * Builds every variant into `outDirectory/<variant>/index.mjs`. The directory must sit inside the
 * project (e.g. node_modules/.cache) so the SDK-external bundle resolves `@aws-sdk/*` from
 * node_modules, as the runtime's copy is resolved in Lambda.
 */
export async function measureBundles(
  synthesizedPath: string,
  outDirectory: string,
  projectRoot: string,
): Promise<BundleReport> {
  const synthesized = sizeOf(synthesizedPath);
  const builds: BuiltBundle[] = [];
  for (const [name, variant] of Object.entries(VARIANTS) as [
    BundleVariant,
    (typeof VARIANTS)[BundleVariant],
  ][]) {
    const outfile = join(outDirectory, name, 'index.mjs');
    const result = await build({
      ...SHIPPED_BUILD_OPTIONS,
      ...variant.options,
      outfile,
      metafile: true,
      absWorkingDir: projectRoot,
    });
    builds.push({
      name,
      description: variant.description,
      ...sizeOf(outfile),
      ...composition(result.metafile, relative(projectRoot, outfile)),
    });
  }
  const shipped = builds.find((b) => b.name === 'shipped');
  return { synthesized, builds, rebuildDriftBytes: (shipped?.bytes ?? 0) - synthesized.bytes };
}

/** What takes the output's bytes, by package and by input file (esbuild's `bytesInOutput`). */
export function composition(
  metafile: Metafile,
  outfile: string,
  top = 12,
): { topPackages: ByteShare[]; topFiles: ByteShare[] } {
  const output = metafile.outputs[outfile];
  if (output === undefined) throw new Error(`the metafile has no output ${outfile}`);
  const byPackage = new Map<string, number>();
  const files: [string, number][] = [];
  for (const [path, input] of Object.entries(output.inputs)) {
    if (input.bytesInOutput === 0) continue;
    const name = packageOf(path);
    byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
    files.push([path.replace(/^.*node_modules\//, ''), input.bytesInOutput]);
  }
  const share = ([name, bytes]: [string, number]): ByteShare => ({
    name,
    bytes,
    share: bytes / output.bytes,
  });
  const largest = (entries: [string, number][]) =>
    entries
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(share);
  return { topPackages: largest([...byPackage]), topFiles: largest(files) };
}

/** `node_modules/@scope/name/…` → `@scope/name`; this project's files → their top folder. */
function packageOf(path: string): string {
  const match = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (match?.[1] !== undefined) return match[1];
  if (path.startsWith('left-out:')) return '(left out)';
  const slash = path.indexOf('/');
  return slash < 0 ? path : `${path.slice(0, slash)}/ (this project)`;
}
