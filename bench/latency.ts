/**
 * End-to-end rotation time with `latencyMs` injected into every call on all three local servers,
 * measured from Secrets Manager's RotationStarted to its RotationSucceeded, against the floor: the
 * calls are sequential, so a rotation cannot take less than calls × latency. What is left over is
 * split three ways with the servers' timing of each call and the worker's timing of each
 * invocation: inside the servers, inside the function, and the dispatch between them.
 */
import type { ClientKind } from '../local/stytch/index.ts';
import type { SynthesizedFunction } from '../local/synth-output.ts';
import { median, sum } from './stats.ts';
import { BenchWorld } from './world.ts';

export interface TimedRotation {
  readonly calls: number;
  readonly wallMs: number;
  readonly floorMs: number;
  /** wallMs / floorMs. */
  readonly ratio: number;
  /**
   * Inside the servers beyond the injected latency: timers firing late and the emulators' own
   * work (the calls' server-side durations summed, minus the floor). The local cloud's cost.
   */
  readonly serverExtraMs: number;
  /**
   * Inside the function but outside its calls: its CPU, the SDK and undici building and parsing
   * requests, and the loopback (the four invocations' wall time in the worker, minus the calls'
   * server-side durations).
   */
  readonly functionExtraMs: number;
  /** The function's CPU time over the four invocations (part of functionExtraMs). */
  readonly functionCpuMs: number;
  /**
   * Outside the function: Secrets Manager's driver dispatching the four invocations to the worker
   * over IPC and collecting their results (wall time minus the invocations' wall time).
   */
  readonly dispatchMs: number;
}

export interface LatencyRun {
  readonly kind: ClientKind;
  readonly latencyMs: number;
  /** Rotations in a warm container, after one untimed rotation warmed it. */
  readonly warm: readonly TimedRotation[];
  readonly warmMedian: TimedRotation;
  /**
   * One rotation in a fresh container: its first invocation also starts the worker and imports
   * the bundle (Lambda's init phase), which the floor does not count.
   */
  readonly cold: TimedRotation;
}

export async function measureLatency(
  fn: SynthesizedFunction,
  kinds: readonly ClientKind[],
  latencyMs: number,
  warmRotations: number,
): Promise<LatencyRun[]> {
  const runs: LatencyRun[] = [];
  for (const kind of kinds) {
    const world = await BenchWorld.start({
      fn,
      bundlePath: fn.bundlePath,
      completionDelaySeconds: 0,
    });
    try {
      const secret = await world.addSecret(kind);
      await world.rotate(secret);
      world.setLatency(latencyMs);
      const timed = async (): Promise<TimedRotation> => {
        const run = await world.rotate(secret);
        const worker = await world.stats();
        const floorMs = run.calls.length * latencyMs;
        const serverMs = sum(run.calls.map((call) => call.durationMs));
        const functionMs = sum(worker.invocationWallMs);
        return {
          calls: run.calls.length,
          wallMs: run.wallMs,
          floorMs,
          ratio: run.wallMs / floorMs,
          serverExtraMs: serverMs - floorMs,
          functionExtraMs: functionMs - serverMs,
          functionCpuMs: sum(worker.invocationCpuMs),
          dispatchMs: run.wallMs - functionMs,
        };
      };
      const warm: TimedRotation[] = [];
      for (let i = 0; i < warmRotations; i++) warm.push(await timed());
      await world.newContainer();
      const cold = await timed();
      runs.push({ kind, latencyMs, warm, warmMedian: medianRotation(warm), cold });
    } finally {
      await world.close();
    }
  }
  return runs;
}

/** The rotation with the median ratio (the lower middle one for an even count). */
function medianRotation(rotations: readonly TimedRotation[]): TimedRotation {
  const middle = median(rotations.map((r) => r.ratio));
  const sorted = [...rotations].sort(
    (a, b) => Math.abs(a.ratio - middle) - Math.abs(b.ratio - middle) || a.ratio - b.ratio,
  );
  const chosen = sorted[0];
  if (chosen === undefined) throw new Error('no rotations were timed');
  return chosen;
}
