/**
 * The four targets, judged on the figures, and the memory setting they point to.
 */
import type { FootprintRun } from './footprint.ts';
import {
  type BenchResults,
  type MemoryOption,
  type MemoryRecommendation,
  SYNTHESIZED,
  type Target,
} from './results.ts';
import { MB } from './stats.ts';

type Measured = Pick<BenchResults, 'coldStart' | 'footprint' | 'calls' | 'latency' | 'function'>;

/** The synthesized bundle's runs under deployable settings (no diagnostic V8 flags). */
export function shippedRuns(footprint: readonly FootprintRun[]): FootprintRun[] {
  return footprint.filter(
    (run) => run.bundle === SYNTHESIZED && !run.setting.includes('diagnostic'),
  );
}

const max = (values: readonly number[]) => Math.max(...values);

export function evaluateTargets(measured: Measured): Target[] {
  const imported = measured.coldStart.imports.find((i) => i.name === SYNTHESIZED);
  const importOverhead = imported?.overheadMs ?? Number.NaN;
  const peakRss = max(shippedRuns(measured.footprint).map((r) => r.peakRssAfterAllBytes)) / MB;
  const normal = measured.calls.scenarios.filter((s) => s.rotation.startsWith('normal'));
  const beyondMinimum = max(normal.map((s) => s.total - s.minimum));
  const ratio = max(measured.latency.map((run) => run.warmMedian.ratio));
  const leaseCallsPerStep = max(
    measured.calls.scenarios.flatMap((s) => Object.values(s.lease.dynamoDbCallsPerStep)),
  );
  return [
    {
      name: 'Import overhead',
      goal: '≤ 20 ms over bare Node',
      value: importOverhead,
      limit: 20,
      unit: 'ms',
      met: importOverhead <= 20,
      basis: `median of ${measured.coldStart.runs} fresh processes, minus \`node -e 0\``,
    },
    {
      name: 'Peak RSS',
      goal: '≤ 100 MB, so the function fits 128 MB',
      value: peakRss,
      limit: 100,
      unit: 'MB',
      met: peakRss <= 100,
      basis: 'highest ru_maxrss of a worker over its cold and warm rotations',
    },
    {
      name: 'Calls per normal rotation',
      goal: '≤ documented minimum + 1',
      value: beyondMinimum,
      limit: 1,
      unit: 'calls over the minimum',
      met: beyondMinimum <= 1,
      basis: `worst of ${normal.length} normal rotations (kinds × delays × cold/warm container)`,
    },
    {
      name: 'Lease calls per step',
      goal: '≤ 2 DynamoDB calls per step (take and give back the lease)',
      value: leaseCallsPerStep,
      limit: 2,
      unit: 'DynamoDB calls',
      met: leaseCallsPerStep <= 2,
      basis: `most in any step of ${measured.calls.scenarios.length} rotations (kinds × delays × cases)`,
    },
    {
      name: 'End-to-end time',
      goal: '≤ 1.1 × floor (calls × latency)',
      value: ratio,
      limit: 1.1,
      unit: '× floor',
      met: ratio <= 1.1,
      basis: 'median warm rotation, worse client kind',
    },
  ];
}

/** Lambda's CPU share: one full vCPU at 1,769 MB. */
const MB_PER_VCPU = 1769;
/** arm64 list prices (us-east-1): per GB-second, and per request. */
const USD_PER_GB_SECOND = 0.0000133334;
const USD_PER_REQUEST = 0.2 / 1_000_000;
const INVOCATIONS_PER_ROTATION = 4;
const CANDIDATES = [128, 256, 512, 1024];
/** Peak RSS may use at most this share of the setting: room for larger reconcile listings. */
const MAX_PEAK_SHARE = 0.75;
/** The import runs in Lambda's init phase, which is cut off at 10 s: keep it within half. */
const MAX_IMPORT_SECONDS = 5;
/** The waiting part of a deployed rotation: a regional AWS or Stytch call, assumed. */
const ASSUMED_CALL_LATENCY_MS = 50;

export function recommendMemory(measured: Measured): MemoryRecommendation {
  const runs = shippedRuns(measured.footprint);
  const peakRss = max(runs.map((r) => r.peakRssAfterAllBytes)) / MB;
  const importCpuMs = max(runs.map((r) => r.importCpuMs));
  const coldCpuMs = max(runs.map((r) => r.importCpuMs + r.coldRotationCpuMs));
  const warmCpuMs = max(runs.map((r) => r.warmRotationCpuMs));
  const calls = max(
    measured.calls.scenarios
      .filter((s) => s.rotation === 'normal, warm container')
      .map((s) => s.total),
  );
  const options: MemoryOption[] = CANDIDATES.map((memoryMb) => {
    const vcpuShare = Math.min(1, memoryMb / MB_PER_VCPU);
    const warmRotationCpuSeconds = warmCpuMs / 1000 / vcpuShare;
    const warmRotationSeconds = warmRotationCpuSeconds + (calls * ASSUMED_CALL_LATENCY_MS) / 1000;
    const coldStartCpuSeconds = coldCpuMs / 1000 / vcpuShare;
    const importSeconds = importCpuMs / 1000 / vcpuShare;
    const usdPerRotation =
      (memoryMb / 1024) * warmRotationSeconds * USD_PER_GB_SECOND +
      INVOCATIONS_PER_ROTATION * USD_PER_REQUEST;
    return {
      memoryMb,
      vcpuShare,
      peakRssShare: peakRss / memoryMb,
      coldStartCpuSeconds,
      warmRotationCpuSeconds,
      warmRotationSeconds,
      usdPerThousandRotations: usdPerRotation * 1000,
      importSeconds,
      fits: peakRss <= MAX_PEAK_SHARE * memoryMb && importSeconds <= MAX_IMPORT_SECONDS,
    };
  });
  const recommended = options.find((option) => option.fits) ?? options[options.length - 1];
  return {
    recommendedMb: recommended?.memoryMb ?? Number.NaN,
    configuredMb: measured.function.memorySizeMb,
    assumedCallLatencyMs: ASSUMED_CALL_LATENCY_MS,
    options,
    rules: [
      `the peak RSS (${peakRss.toFixed(0)} MB) is at most ${MAX_PEAK_SHARE * 100} % of the setting, leaving room for the runtime client, the reconcile's larger listings and V8's lazy collection`,
      `the import (${importCpuMs.toFixed(0)} ms of CPU here, the worst worker) takes at most ${MAX_IMPORT_SECONDS} s at the setting's CPU share (memory / ${MB_PER_VCPU} MB of a vCPU): half of the 10 s Lambda allows its init phase, for a slower core`,
      'the smallest setting that passes both. Speed does not decide it: nobody waits on a rotation, which runs in a window of hours; nor does cost: at every setting a rotation costs a small fraction of a cent',
    ],
  };
}
