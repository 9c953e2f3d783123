/** The shape of bench/results/report.json: every measurement, the targets and the advice. */
import type { BundleReport } from './bundle.ts';
import type { CallsReport } from './calls.ts';
import type { ColdStartReport } from './cold-start.ts';
import type { FunctionConfig, Machine } from './environment.ts';
import type { FootprintRun } from './footprint.ts';
import type { LatencyRun } from './latency.ts';
import type { ReconcileRun } from './reconcile-scale.ts';

export interface BenchSettings {
  /** Cold-start runs per bundle (at least 15). */
  readonly importRuns: number;
  /** Warm rotations per footprint worker. */
  readonly footprintRotations: number;
  /** Latency injected per call for the end-to-end measurement. */
  readonly latencyMs: number;
  /** Warm rotations timed per client kind at that latency. */
  readonly latencyRotations: number;
  /** The completion delays the call counts were taken with. */
  readonly completionDelays: readonly number[];
}

export interface Target {
  readonly name: string;
  /** The goal, as the issue states it. */
  readonly goal: string;
  readonly value: number;
  readonly limit: number;
  readonly unit: string;
  readonly met: boolean;
  /** Which measurement the figure is, in a few words. */
  readonly basis: string;
}

export interface MemoryOption {
  readonly memoryMb: number;
  /** Lambda gives a function CPU in proportion to memory: 1,769 MB is one vCPU. */
  readonly vcpuShare: number;
  readonly peakRssShare: number;
  /** The import's CPU at this setting's CPU share (this machine's speed): Lambda's init phase. */
  readonly importSeconds: number;
  /** Import plus the first rotation's CPU, at this setting's CPU share (this machine's speed). */
  readonly coldStartCpuSeconds: number;
  readonly warmRotationCpuSeconds: number;
  /** A warm rotation: CPU at this share plus the calls' waiting (calls × assumed latency). */
  readonly warmRotationSeconds: number;
  readonly usdPerThousandRotations: number;
  readonly fits: boolean;
}

export interface MemoryRecommendation {
  readonly recommendedMb: number;
  /** What the synthesized stack sets now. */
  readonly configuredMb: number;
  /** The latency per call assumed for the waiting part of a deployed rotation. */
  readonly assumedCallLatencyMs: number;
  readonly options: readonly MemoryOption[];
  readonly rules: readonly string[];
}

export interface BenchResults {
  readonly generatedAt: string;
  readonly command: string;
  readonly machine: Machine;
  readonly function: FunctionConfig;
  readonly settings: BenchSettings;
  readonly bundle: BundleReport;
  readonly coldStart: ColdStartReport;
  readonly footprint: readonly FootprintRun[];
  readonly calls: CallsReport;
  readonly latency: readonly LatencyRun[];
  readonly targets: readonly Target[];
  readonly memory: MemoryRecommendation;
  /** The reconcile at fleet scale (absent with `--reconcile off`). */
  readonly reconcile?: readonly ReconcileRun[];
  /** How long the bench took, in seconds. */
  readonly durationSeconds: number;
}

/** The bundle names the report uses for the asset and the variants. */
export const SYNTHESIZED = 'synthesized';
