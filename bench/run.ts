/**
 * `npm run bench`: measures the bundle `cdk synth` produced (size, cold start, memory, CPU, calls
 * and end-to-end time per rotation) against the local cloud, with no network, and writes
 * bench/results/report.md and report.json. See bench/results/report.md for what each figure means.
 *
 * usage: npm run bench -- [--cdk-out DIR] [--runs N] [--latency MS] [--out DIR] [--render-only]
 *        [--reconcile quick|full|off]
 * (--render-only rewrites report.md from the report.json in --out, without measuring.)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseCommandLine,
  runEntryPoint,
  silenceSdkNodeVersionNotice,
  UsageError,
} from '../local/command-line.ts';
import { readSynthesizedFunction } from '../local/synth-output.ts';
import { synthesize } from '../local/synthesize.ts';
import { measureBundles } from './bundle.ts';
import { KINDS, measureCalls } from './calls.ts';
import { measureColdStarts } from './cold-start.ts';
import { describeFunction, describeMachine } from './environment.ts';
import {
  type FootprintConfig,
  lambdaHeapSetting,
  measureFootprint,
  NODE_DEFAULTS,
} from './footprint.ts';
import { measureLatency } from './latency.ts';
import { reconcileCells } from './reconcile-report.ts';
import { measureReconcileSection } from './reconcile-section.ts';
import { renderReport } from './report.ts';
import { type BenchResults, type BenchSettings, SYNTHESIZED } from './results.ts';
import { evaluateTargets, recommendMemory } from './targets.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Inside the project, so a bundle with `@aws-sdk/*` external resolves it from node_modules. */
const BUILD_DIRECTORY = join(
  PROJECT_ROOT,
  'node_modules',
  '.cache',
  'stytch-secret-rotation-bench',
);
const COMMAND = 'npm run bench';

const USAGE = `usage: npm run bench -- [options]

Synthesizes the stack (cdk synth), then measures the bundle it wrote against the local cloud and
writes bench/results/report.md and report.json. Takes one to two minutes on two cores.

options:
  --cdk-out DIR     where cdk synth writes the cloud assembly (default cdk.out)
  --runs N          fresh processes per cold-start measurement, 15 or more (default 15)
  --latency MS      added latency per call for the end-to-end figure (default 50)
  --out DIR         where the reports go (default bench/results)
  --render-only     rewrite report.md from the report.json in --out, without measuring
  --reconcile SET   the reconcile-at-scale cases: quick (default, about two minutes more), full
                    (adds the Stytch-paced cases, about 20 minutes more) or off
`;

function parseOptions() {
  const values = parseCommandLine(
    process.argv.slice(2),
    {
      'cdk-out': { type: 'string', default: 'cdk.out' },
      runs: { type: 'string', default: '15' },
      latency: { type: 'string', default: '50' },
      out: { type: 'string', default: join(PROJECT_ROOT, 'bench', 'results') },
      'render-only': { type: 'boolean', default: false },
      reconcile: { type: 'string', default: 'quick' },
    },
    USAGE,
  );
  const reconcile = values.reconcile;
  if (reconcile !== 'quick' && reconcile !== 'full' && reconcile !== 'off')
    throw new UsageError(`--reconcile must be quick, full or off, got ${reconcile}`);
  const runs = Number(values.runs);
  const latencyMs = Number(values.latency);
  if (!Number.isInteger(runs) || runs < 15)
    throw new UsageError(`--runs must be 15 or more, got ${values.runs}`);
  if (!(latencyMs > 0))
    throw new UsageError(`--latency must be a positive number of ms, got ${values.latency}`);
  return {
    cdkOut: resolve(values['cdk-out']),
    runs,
    latencyMs,
    out: resolve(values.out),
    renderOnly: values['render-only'],
    reconcile,
  } as const;
}

const log = (line: string) => console.error(`bench: ${line}`);

async function main(): Promise<number> {
  silenceSdkNodeVersionNotice();
  const options = parseOptions();
  if (options.renderOnly) {
    const json = readFileSync(join(options.out, 'report.json'), 'utf8');
    writeFileSync(join(options.out, 'report.md'), `${renderReport(JSON.parse(json))}\n`);
    return 0;
  }
  synthesize(options.cdkOut);
  const started = performance.now();
  const machine = describeMachine();
  const fn = readSynthesizedFunction(options.cdkOut);
  const settings: BenchSettings = {
    importRuns: options.runs,
    footprintRotations: 10,
    latencyMs: options.latencyMs,
    latencyRotations: 7,
    completionDelays: [0, 1],
  };

  log(`bundling variants of ${relative(PROJECT_ROOT, fn.bundlePath)}`);
  const bundle = await measureBundles(fn.bundlePath, BUILD_DIRECTORY, PROJECT_ROOT);
  const built = (name: string) => {
    const found = bundle.builds.find((b) => b.name === name);
    if (found === undefined) throw new Error(`no ${name} build`);
    return { name, path: found.path };
  };
  const synthesized = { name: SYNTHESIZED, path: fn.bundlePath };
  const importTargets = [
    synthesized,
    ...bundle.builds
      .filter((b) => b.name !== 'shipped' || bundle.rebuildDriftBytes !== 0)
      .map((b) => built(b.name)),
  ];

  log(`cold starts: ${importTargets.length} bundles × ${settings.importRuns} fresh processes`);
  const coldStart = measureColdStarts(importTargets, settings.importRuns);

  log('handler CPU and peak memory per rotation');
  const lambda128 = lambdaHeapSetting(128);
  const configs: FootprintConfig[] = [
    ...KINDS.flatMap((kind) => [
      { bundle: synthesized, setting: NODE_DEFAULTS, kind },
      { bundle: synthesized, setting: lambda128, kind },
      { bundle: built('sdk-external'), setting: lambda128, kind },
      { bundle: built('node-http'), setting: lambda128, kind },
    ]),
    {
      bundle: synthesized,
      setting: {
        ...lambda128,
        name: `${lambda128.name}, V8 --liftoff-only (diagnostic)`,
        v8Flags: '--liftoff-only',
      },
      kind: 'm2m',
    },
  ];
  const footprint = await measureFootprint(fn, configs, settings.footprintRotations);

  log('calls per rotation');
  const calls = await measureCalls(fn, fn.bundlePath, settings.completionDelays);

  log(`end-to-end time with ${settings.latencyMs} ms per call`);
  const latency = await measureLatency(fn, KINDS, settings.latencyMs, settings.latencyRotations);

  const reconcile =
    options.reconcile === 'off'
      ? undefined
      : await measureReconcileSection(reconcileCells(options.reconcile), log);

  machine.loadAverageAtEnd = loadavg()[0] ?? 0;
  const measured = {
    function: describeFunction(fn, options.cdkOut),
    coldStart,
    footprint,
    calls,
    latency,
  };
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    command: COMMAND,
    machine,
    settings,
    bundle,
    ...measured,
    targets: evaluateTargets(measured),
    ...(reconcile === undefined ? {} : { reconcile }),
    memory: recommendMemory(measured),
    durationSeconds: (performance.now() - started) / 1000,
  };
  writeReports(results, options.out);
  for (const target of results.targets) {
    log(
      `${target.met ? 'met   ' : 'MISSED'} ${target.name}: ${target.value.toFixed(2)} ${target.unit} (goal ${target.goal})`,
    );
  }
  log(
    `recommended memory ${results.memory.recommendedMb} MB; report in ${relative(PROJECT_ROOT, options.out)}`,
  );
  return 0;
}

/** Paths in the JSON are made relative to the project, so the committed report does not churn. */
function writeReports(results: BenchResults, outDirectory: string): void {
  mkdirSync(outDirectory, { recursive: true });
  const json = JSON.stringify(
    results,
    (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(PROJECT_ROOT)
        ? relative(PROJECT_ROOT, value)
        : value,
    2,
  );
  writeFileSync(join(outDirectory, 'report.json'), `${json}\n`);
  writeFileSync(join(outDirectory, 'report.md'), `${renderReport(results)}\n`);
}

runEntryPoint('bench', main);
