/**
 * What a rotation costs the function itself, with no injected latency: CPU time per rotation (the
 * sum over its four invocations, read inside the worker with process.cpuUsage(), so waiting on a
 * socket counts for nothing) and the worker's peak resident set. A fresh worker imports the bundle,
 * runs one rotation (the cold one: lazy SDK and connection set-up happen here) and reports; then it
 * runs `warmRotations` more and reports again, which shows whether memory keeps growing.
 * Run under Node's default heap settings and under the limits Lambda's Node.js bootstrap derives
 * from a 128 MB memory size (new space = memory/10, semi space = half of it, old space = the rest).
 */
import type { ClientKind } from '../local/stytch/index.ts';
import type { SynthesizedFunction } from '../local/synth-output.ts';
import { median, quantile, sum } from './stats.ts';
import { BenchWorld } from './world.ts';

/** How the worker process is started. */
export interface RuntimeSetting {
  readonly name: string;
  readonly nodeOptions?: string;
  /** V8 flags NODE_OPTIONS refuses, set by the worker itself: diagnostics only. */
  readonly v8Flags?: string;
}

/** Lambda's heap flags for a memory size, as its Node.js bootstrap script computes them. */
export function lambdaHeapSetting(memoryMb: number): RuntimeSetting {
  const newSpace = Math.floor(memoryMb / 10);
  return {
    name: `Lambda ${memoryMb} MB heap limits`,
    nodeOptions: `--max-semi-space-size=${Math.floor(newSpace / 2)} --max-old-space-size=${memoryMb - newSpace}`,
  };
}

export const NODE_DEFAULTS: RuntimeSetting = { name: 'Node defaults' };

/** One measured worker: a bundle, how its process starts, and the kind of client it rotates. */
export interface FootprintConfig {
  readonly bundle: BundleUnderTest;
  readonly setting: RuntimeSetting;
  readonly kind: ClientKind;
}

export interface FootprintRun {
  readonly bundle: string;
  readonly setting: string;
  readonly kind: ClientKind;
  readonly importWallMs: number;
  readonly importCpuMs: number;
  /** CPU of the first rotation in the fresh worker. */
  readonly coldRotationCpuMs: number;
  /** Median and 90th percentile CPU of the warm rotations. */
  readonly warmRotationCpuMs: number;
  readonly warmRotationCpuP90Ms: number;
  /** Median CPU per step over the warm rotations, in step order. */
  readonly warmStepCpuMs: readonly number[];
  /** Peak RSS (ru_maxrss) after the import and the first rotation. */
  readonly peakRssAfterFirstBytes: number;
  /** /proc/self/status VmHWM at the same moment: the same figure read another way. */
  readonly vmHwmAfterFirstBytes: number | null;
  /** Peak RSS after all rotations. */
  readonly peakRssAfterAllBytes: number;
  /** The RSS the worker holds after all rotations: what it settles at between peaks. */
  readonly rssAfterAllBytes: number;
  readonly warmRotations: number;
}

export interface BundleUnderTest {
  readonly name: string;
  readonly path: string;
}

const STEPS_PER_ROTATION = 4;

export async function measureFootprint(
  fn: SynthesizedFunction,
  configs: readonly FootprintConfig[],
  warmRotations: number,
): Promise<FootprintRun[]> {
  const runs: FootprintRun[] = [];
  for (const config of configs) runs.push(await measureOne(fn, config, warmRotations));
  return runs;
}

async function measureOne(
  fn: SynthesizedFunction,
  { bundle, setting, kind }: FootprintConfig,
  warmRotations: number,
): Promise<FootprintRun> {
  const world = await BenchWorld.start({
    fn,
    bundlePath: bundle.path,
    completionDelaySeconds: 0,
    ...(setting.nodeOptions ? { nodeOptions: setting.nodeOptions } : {}),
    ...(setting.v8Flags ? { v8Flags: setting.v8Flags } : {}),
  });
  try {
    const secret = await world.addSecret(kind);
    await world.rotate(secret);
    const first = await world.stats();
    for (let i = 0; i < warmRotations; i++) await world.rotate(secret);
    const after = await world.stats();
    const perRotation = chunk(after.invocationCpuMs, STEPS_PER_ROTATION);
    const perStep = Array.from({ length: STEPS_PER_ROTATION }, (_, step) =>
      median(perRotation.map((rotation) => rotation[step] ?? Number.NaN)),
    );
    const warmTotals = perRotation.map(sum);
    return {
      bundle: bundle.name,
      setting: setting.name,
      kind,
      importWallMs: first.importWallMs,
      importCpuMs: first.importCpuMs,
      coldRotationCpuMs: sum(first.invocationCpuMs),
      warmRotationCpuMs: median(warmTotals),
      warmRotationCpuP90Ms: quantile(warmTotals, 0.9),
      warmStepCpuMs: perStep,
      peakRssAfterFirstBytes: first.maxRssBytes,
      vmHwmAfterFirstBytes: first.vmHwmBytes,
      peakRssAfterAllBytes: after.maxRssBytes,
      rssAfterAllBytes: after.rssBytes,
      warmRotations,
    };
  } finally {
    await world.close();
  }
}

function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}
