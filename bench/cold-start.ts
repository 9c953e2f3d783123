/**
 * Cold start: the cost of importing a bundle in a fresh `node` process, as Lambda's init phase does.
 * Each run spawns a new process; the runs of all bundles and of a bare `node -e 0` are interleaved,
 * so a change in the machine's load hits every variant alike. Three figures per bundle:
 * - the whole process's wall time, spawn to exit, minus the bare process's (the headline, as the
 *   issue defines it: everything the import adds to a cold start, module loading included);
 * - the import's wall time, measured inside the process around `await import(…)`;
 * - the import's CPU time inside the process, the figure least moved by other load on the machine.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { median } from './stats.ts';

export interface ImportTarget {
  readonly name: string;
  readonly path: string;
}

export interface ImportTiming {
  readonly name: string;
  readonly runs: number;
  /** Median spawn-to-exit wall time of `node --input-type=module -e "await import(bundle)"`. */
  readonly processWallMs: number;
  /** `processWallMs` minus the bare process's median. */
  readonly overheadMs: number;
  /** Median wall time of the `import()` itself, inside the process. */
  readonly importWallMs: number;
  /** Median CPU time (user + system) of the `import()`, inside the process. */
  readonly importCpuMs: number;
  /** Median peak RSS of the process after the import. */
  readonly maxRssBytes: number;
}

export interface ColdStartReport {
  readonly runs: number;
  /** Median spawn-to-exit wall time of `node -e 0`. */
  readonly bareProcessWallMs: number;
  /**
   * Median spawn-to-exit wall time of `node --input-type=module -e 0`: how much of the overhead is
   * Node's ES module loader starting, which any ESM handler pays.
   */
  readonly bareModuleProcessWallMs: number;
  /** Peak RSS of a bare `node -e` process. */
  readonly bareMaxRssBytes: number;
  readonly imports: readonly ImportTiming[];
}

interface Sample {
  readonly processWallMs: number;
  readonly importWallMs: number;
  readonly importCpuMs: number;
  readonly maxRssBytes: number;
}

/** Runs in the child: imports the bundle and prints what it cost. */
const importProbe = (bundleUrl: string) =>
  [
    'const cpu = process.cpuUsage();',
    'const started = performance.now();',
    `await import(${JSON.stringify(bundleUrl)});`,
    'const wall = performance.now() - started;',
    'const used = process.cpuUsage(cpu);',
    'console.log(JSON.stringify({ importWallMs: wall, importCpuMs: (used.user + used.system) / 1000,',
    '  maxRssBytes: process.resourceUsage().maxRSS * 1024 }));',
  ].join('\n');

/** Like Lambda, the child gets a small fixed environment, not this process's. */
const CHILD_ENV = { PATH: process.env.PATH ?? '' };

function timedSpawn(args: readonly string[]): { wallMs: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env: CHILD_ENV, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(
      `node ${args[0]} … exited with ${result.status}: ${result.stderr.slice(0, 500)}`,
    );
  }
  return { wallMs, stdout: result.stdout };
}

/** `node -e 0`, the baseline the issue names, or its module-mode twin. */
function bareSample(moduleMode: boolean): number {
  return timedSpawn(moduleMode ? ['--input-type=module', '-e', '0'] : ['-e', '0']).wallMs;
}

function importSample(target: ImportTarget): Sample {
  const { wallMs, stdout } = timedSpawn([
    '--input-type=module',
    '-e',
    importProbe(pathToFileURL(target.path).href),
  ]);
  const measured = JSON.parse(stdout) as Omit<Sample, 'processWallMs'>;
  return { processWallMs: wallMs, ...measured };
}

function bareRss(): number {
  const { stdout } = timedSpawn(['-e', 'console.log(process.resourceUsage().maxRSS * 1024)']);
  return Number(stdout.trim());
}

/**
 * Measures every target `runs` times (at least 15 for the headline), interleaved with bare runs.
 * Synchronous spawns on purpose: nothing else runs in this process meanwhile, and the parent's
 * event loop cannot delay noticing a child's exit.
 */
export function measureColdStarts(targets: readonly ImportTarget[], runs: number): ColdStartReport {
  const bare: number[] = [];
  const bareModule: number[] = [];
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  // One unmeasured round warms the file system cache, as a Lambda worker's local disk would be.
  for (const target of targets) importSample(target);
  bareSample(false);
  for (let run = 0; run < runs; run++) {
    bare.push(bareSample(false));
    bareModule.push(bareSample(true));
    for (const target of targets) samples.get(target.name)?.push(importSample(target));
  }
  const bareProcessWallMs = median(bare);
  return {
    runs,
    bareProcessWallMs,
    bareModuleProcessWallMs: median(bareModule),
    bareMaxRssBytes: bareRss(),
    imports: targets.map((target) => {
      const taken = samples.get(target.name) ?? [];
      const processWallMs = median(taken.map((s) => s.processWallMs));
      return {
        name: target.name,
        runs: taken.length,
        processWallMs,
        overheadMs: processWallMs - bareProcessWallMs,
        importWallMs: median(taken.map((s) => s.importWallMs)),
        importCpuMs: median(taken.map((s) => s.importCpuMs)),
        maxRssBytes: median(taken.map((s) => s.maxRssBytes)),
      };
    }),
  };
}
