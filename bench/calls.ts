/**
 * Calls per rotation: for each client kind and completion delay, a bootstrap rotation (the secret
 * holds only `client_id`) in a fresh container, a normal rotation in a fresh container (credentials
 * read from SSM), and a normal rotation in the same, now warm, container (credentials cached), each
 * compared with the design's minimum. With a delay, the scheduled reconcile runs once the overlap is
 * due, and its calls are counted separately: they are not part of the rotation.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientKind } from '../local/stytch/index.ts';
import type { SynthesizedFunction } from '../local/synth-output.ts';
import { compareWithMinimum, minimumCalls, type RequiredCall } from './minimum.ts';
import { BenchWorld, type Call, type ManagedSecret, type Service } from './world.ts';

export type RotationCase =
  | 'bootstrap, cold container'
  | 'normal, cold container'
  | 'normal, warm container';

export interface CallScenario {
  readonly kind: ClientKind;
  readonly completionDelaySeconds: number;
  readonly rotation: RotationCase;
  readonly calls: readonly Call[];
  readonly byService: Readonly<Record<Service, number>>;
  readonly total: number;
  readonly minimum: number;
  /** Calls beyond the minimum, as `step: Service Operation`. */
  readonly extra: readonly string[];
  /** Required calls that were not made (a sign the minimum model is out of date). */
  readonly missing: readonly string[];
  /** What the per-client lease added to this rotation. */
  readonly lease: LeaseCost;
}

/** The lease's share of one rotation: its DynamoDB calls and the labels re-read under it. */
export interface LeaseCost {
  /** DynamoDB calls of each step's invocation. */
  readonly dynamoDbCallsPerStep: Readonly<Record<string, number>>;
  readonly dynamoDbCalls: number;
  /** DescribeSecret calls beyond one per step: the re-read under the lease. */
  readonly rereads: number;
  /** Server-side time of the DynamoDB calls and the re-reads, summed (no latency injected). */
  readonly serverMs: number;
}

export interface ReconcileObservation {
  readonly kind: ClientKind;
  readonly calls: readonly Call[];
  /** False when Stytch's rotation was still open after the run; the bench then completed it. */
  readonly completedOverlap: boolean;
}

export interface CallsReport {
  readonly scenarios: readonly CallScenario[];
  /** The minimum, call by call, for a normal rotation in a warm and a cold container. */
  readonly minimumTables: readonly {
    readonly kind: ClientKind;
    readonly completionDelaySeconds: number;
    readonly coldContainer: boolean;
    readonly calls: readonly RequiredCall[];
  }[];
  readonly reconcile: readonly ReconcileObservation[];
}

export const KINDS: readonly ClientKind[] = ['connected_app', 'm2m'];

export async function measureCalls(
  fn: SynthesizedFunction,
  bundlePath: string,
  delays: readonly number[],
): Promise<CallsReport> {
  const scenarios: CallScenario[] = [];
  const reconcile: ReconcileObservation[] = [];
  for (const completionDelaySeconds of delays) {
    for (const kind of KINDS) {
      const world = await BenchWorld.start({ fn, bundlePath, completionDelaySeconds });
      try {
        const secret = await world.addSecret(kind);
        const record = (rotation: RotationCase, calls: readonly Call[], coldContainer: boolean) =>
          scenarios.push(scenario(kind, completionDelaySeconds, rotation, calls, coldContainer));
        record('bootstrap, cold container', (await world.rotate(secret)).calls, true);
        const observed = await settleOverlap(world, secret, completionDelaySeconds);
        if (observed) reconcile.push(observed);
        await world.newContainer();
        record('normal, cold container', (await world.rotate(secret)).calls, true);
        await settleOverlap(world, secret, completionDelaySeconds);
        record('normal, warm container', (await world.rotate(secret)).calls, false);
      } finally {
        await world.close();
      }
    }
  }
  const minimumTables = delays.flatMap((completionDelaySeconds) =>
    KINDS.flatMap((kind) =>
      [false, true].map((coldContainer) => ({
        kind,
        completionDelaySeconds,
        coldContainer,
        calls: minimumCalls({ kind, completionDelaySeconds, coldContainer }),
      })),
    ),
  );
  return { scenarios, minimumTables, reconcile };
}

function scenario(
  kind: ClientKind,
  completionDelaySeconds: number,
  rotation: RotationCase,
  calls: readonly Call[],
  coldContainer: boolean,
): CallScenario {
  const minimum = minimumCalls({ kind, completionDelaySeconds, coldContainer });
  const byService: Record<Service, number> = {
    'Secrets Manager': 0,
    SSM: 0,
    Stytch: 0,
    DynamoDB: 0,
  };
  for (const call of calls) byService[call.service] += 1;
  return {
    kind,
    completionDelaySeconds,
    rotation,
    calls,
    byService,
    total: calls.length,
    minimum: minimum.length,
    ...compareWithMinimum(calls, minimum),
    lease: leaseCost(calls),
  };
}

/** Counts the lease's calls: every DynamoDB call, and each step's DescribeSecret after its first. */
export function leaseCost(calls: readonly Call[]): LeaseCost {
  const dynamoDbCallsPerStep: Record<string, number> = {};
  const describes: Record<string, number> = {};
  let rereads = 0;
  let serverMs = 0;
  for (const call of calls) {
    if (call.service === 'DynamoDB') {
      dynamoDbCallsPerStep[call.step] = (dynamoDbCallsPerStep[call.step] ?? 0) + 1;
      serverMs += call.durationMs;
    } else if (call.operation === 'DescribeSecret') {
      describes[call.step] = (describes[call.step] ?? 0) + 1;
      if ((describes[call.step] ?? 0) > 1) {
        rereads += 1;
        serverMs += call.durationMs;
      }
    }
  }
  const dynamoDbCalls = Object.values(dynamoDbCallsPerStep).reduce((a, b) => a + b, 0);
  return { dynamoDbCallsPerStep, dynamoDbCalls, rereads, serverMs };
}

/**
 * With a completion delay, Stytch keeps both secrets valid until the reconcile completes the
 * rotation. Waits out the delay, runs the reconcile once, and completes the rotation at the local
 * Stytch if the reconcile did not, so the next rotation starts from the state a deployed stack
 * reaches (and not from the "previous overlap still open" path, which costs three more calls).
 */
async function settleOverlap(
  world: BenchWorld,
  secret: ManagedSecret,
  completionDelaySeconds: number,
): Promise<ReconcileObservation | undefined> {
  if (completionDelaySeconds === 0) return undefined;
  await sleep(completionDelaySeconds * 1000 + 250);
  const calls = await world.reconcile();
  const completedOverlap = world.cloud.stytch.clientState(secret.clientId).nextLastFour === null;
  if (!completedOverlap) world.cloud.stytch.completeRotation(secret.clientId);
  return { kind: secret.kind, calls, completedOverlap };
}
