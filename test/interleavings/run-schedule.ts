/**
 * One schedule of one pair, from a fresh starting state to its verdict: seed the state, run both
 * actors under the chooser (with a lost response at one call, if asked), let Secrets Manager retry
 * what it would, run one reconcile pass a day later, check, then start the next rotation.
 */
import type { FaultPlan } from '../../local/faults.ts';
import { PerCallChecks, settledViolations } from './interleaving-invariants.ts';
import type { InterleavingLane, LaneState } from './interleaving-lane.ts';
import type { Pair, PairStart } from './pairs.ts';
import {
  ACTOR_LETTERS,
  type ActorIndex,
  type ActorResult,
  type Chooser,
  type GatedCall,
  ScheduleRunner,
} from './schedule-runner.ts';

/** The call whose response is lost: the `ordinal`-th call of `actor`. */
export interface LostResponse {
  readonly actor: ActorIndex;
  readonly ordinal: number;
}

export interface ScheduleResult {
  readonly calls: readonly GatedCall[];
  readonly results: readonly ActorResult[];
  readonly violations: readonly string[];
  /** Whether the lost response was injected (its call was reached). */
  readonly lostResponseInjected: boolean;
  /** False for a run that only repeated an explored interleaving: it was not checked. */
  readonly checked: boolean;
}

/** Secrets Manager's attempts at a rotation it retries. */
const SECRETS_MANAGER_ATTEMPTS = 3;
/** The reconcile pass after quiescence runs this long after: past the stuck age and any overlap. */
const RECONCILE_HOURS_LATER = 25;

/** A pair's starting state, built once by the function itself and restored for every schedule. */
export interface Template {
  readonly start: PairStart;
  readonly saved: LaneState;
}

export async function buildTemplate(lane: InterleavingLane, pair: Pair): Promise<Template> {
  const start = await pair.setup(lane);
  await lane.world.cloud.secretsManager.idle();
  return { start, saved: await lane.save(start.secrets, [start.client.clientId]) };
}

/** How a schedule reads: `AABBA`, with the lost response as `B2` (B's second call). */
export function scheduleText(calls: readonly GatedCall[], lost?: LostResponse): string {
  const order = calls.map((call) => ACTOR_LETTERS[call.actor]).join('');
  return lost ? `${order} lost=${ACTOR_LETTERS[lost.actor]}${lost.ordinal}` : order;
}

export async function runSchedule(
  lane: InterleavingLane,
  pair: Pair,
  template: Template,
  chooser: Chooser,
  lost?: LostResponse,
  options: { readonly checked?: () => boolean } = {},
): Promise<ScheduleResult> {
  await lane.restore(template.saved);
  const start: PairStart = { ...template.start, rotations: [...template.start.rotations] };
  const checks = new PerCallChecks(lane, start.client);
  let injected = false;
  let armed: FaultPlan | undefined;
  const runner = new ScheduleRunner(chooser, {
    before: (call) => {
      if (lost?.actor !== call.actor || lost.ordinal !== call.ordinal) return false;
      injected = true;
      armed = faultPlanOf(lane, call.server);
      armed?.add({ operation: '*', nth: 1, times: 1_000_000, action: { kind: 'lost-response' } });
      // A surface without a local server's fault plan loses its answer at the gate instead.
      return armed === undefined;
    },
    after: (call) => {
      armed?.clear();
      armed = undefined;
      const label = `${call.index}. ${ACTOR_LETTERS[call.actor]} ${call.call}`;
      checks.afterCall(label, pair.emergencyActor === call.actor);
    },
  });
  lane.runner = runner;
  lane.recording = true;
  let results: ActorResult[];
  try {
    results = await runner.run(pair.actors(lane, start));
  } finally {
    lane.runner = undefined;
    lane.recording = false;
  }
  if (options.checked && !options.checked()) {
    await lane.world.cloud.secretsManager.idle();
    return {
      calls: runner.calls,
      results,
      violations: [],
      lostResponseInjected: injected,
      checked: false,
    };
  }
  for (const event of pair.retried(start, results)) await retryRotation(lane, event);
  await lane.reconcile(RECONCILE_HOURS_LATER);
  const violations = [
    ...results.flatMap((result) => (result.detail.includes('harness:') ? [result.detail] : [])),
    ...checks.violations,
    ...settledViolations(lane, start.client, start.holders),
    ...(start.extraChecks?.() ?? []),
  ];
  // Only a schedule that settled cleanly tells anything more by trying the next rotation.
  if (violations.length === 0)
    violations.push(...(await nextRotationViolations(lane, start.client.secretArn)));
  await lane.world.cloud.secretsManager.idle();
  return {
    calls: runner.calls,
    results,
    violations,
    lostResponseInjected: injected,
    checked: true,
  };
}

/** The local server behind each gated surface that is not the store or Stytch. */
const SERVER_OF_SURFACE: Readonly<Record<string, string>> = { lease: 'dynamodb' };

/** The local server's fault plan behind a gated surface; undefined when there is none. */
function faultPlanOf(lane: InterleavingLane, surface: string): FaultPlan | undefined {
  const cloud = lane.world.cloud;
  if (surface === 'stytch') return cloud.stytch.faults;
  if (surface === 'store' || surface === 'service' || surface === 'person') {
    return cloud.secretsManager.faults;
  }
  const servers = cloud as unknown as Record<string, { faults?: FaultPlan } | undefined>;
  return servers[SERVER_OF_SURFACE[surface] ?? surface]?.faults;
}

/**
 * Secrets Manager's retries of a rotation: every step again, in order, up to three attempts, as
 * long as the version still carries AWSPENDING (a rotation that was abandoned is not retried).
 */
async function retryRotation(
  lane: InterleavingLane,
  event: Parameters<InterleavingLane['runStep']>[0],
): Promise<void> {
  for (let attempt = 1; attempt <= SECRETS_MANAGER_ATTEMPTS; attempt++) {
    const stages =
      lane.world.cloud.secretsManager
        .inspect(event.SecretId)
        .versions.find((v) => v.versionId === event.ClientRequestToken)?.stages ?? [];
    if (!stages.includes('AWSPENDING')) return;
    let failed = false;
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      if ((await lane.runStep(event, step)) !== undefined) {
        failed = true;
        break;
      }
    }
    if (!failed) return;
  }
}

/** "No step stuck", second half: the next rotation starts and succeeds. */
async function nextRotationViolations(
  lane: InterleavingLane,
  secretArn: string,
): Promise<string[]> {
  try {
    const outcome = await lane.rotate(secretArn);
    return outcome.outcome === 'succeeded'
      ? []
      : [`a step is stuck: the next rotation ended ${outcome.outcome}`];
  } catch (error) {
    const name = error instanceof Error ? error.name : 'error';
    return [`a step is stuck: the next rotation could not start (${name})`];
  }
}
