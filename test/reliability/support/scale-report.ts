/**
 * What the scale run measured, and the report it prints. The floor is strict: the Stytch calls a
 * clean run needs (not the calls this run happened to make), less the token bucket's initial burst,
 * divided by the rate.
 */
import type { RotationOutcome } from '../../../local/secrets-manager/index.ts';
import { hashSecret } from '../../../local/stytch/index.ts';
import type { Fleet, FleetClient } from './scale-fleet.ts';

/**
 * Stytch calls of one clean rotation with no completion delay: rotate_start (createSecret), get
 * (setSecret), token (testSecret), get and rotate (finishSecret).
 */
export const CALLS_PER_ROTATION = 5;

export interface ScaleReport {
  readonly clients: number;
  readonly connectedApps: number;
  readonly rate: number;
  readonly concurrency: number;
  readonly containers: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Rotations that needed more than one attempt of Secrets Manager. */
  readonly retriedRotations: number;
  readonly failureSamples: readonly string[];
  readonly stytchRequests: number;
  readonly rateLimited: number;
  /** Stytch requests that got past the limiter, by operation. */
  readonly acceptedByOperation: Readonly<Record<string, number>>;
  /** Wrong-secret probes: one per container that tested a Connected App. */
  readonly calibrations: number;
  readonly neededCalls: number;
  readonly floorSeconds: number;
  readonly elapsedSeconds: number;
  readonly ratio: number;
  /**
   * Clients that break an invariant: AWSCURRENT's secret (the original before a first rotation)
   * does not authenticate, Stytch accepts a secret neither the store nor (before a completed
   * rotation) the owner holds, or a completed rotation left more than one valid secret.
   */
  readonly invariantFailures: number;
}

export function measureRun(run: {
  readonly fleet: Fleet;
  readonly outcomes: readonly RotationOutcome[];
  readonly elapsedMs: number;
  readonly rate: number;
  readonly concurrency: number;
  readonly stytchMark: number;
}): ScaleReport {
  const { fleet, outcomes, rate } = run;
  const { cloud, clients } = fleet;
  const requests = cloud.stytch.requestLog.slice(run.stytchMark);
  const limited = requests.filter((entry) => entry.fault === 'rate-limited');
  const acceptedByOperation: Record<string, number> = {};
  for (const entry of requests) {
    if (entry.fault === 'rate-limited') continue;
    acceptedByOperation[entry.operation] = (acceptedByOperation[entry.operation] ?? 0) + 1;
  }
  const calibrations = requests.filter(
    (e) => e.operation === 'oauth2.token' && e.status === 401,
  ).length;
  const neededCalls = clients.length * CALLS_PER_ROTATION + calibrations;
  const floorSeconds = Math.max(0, neededCalls - rate) / rate;
  const elapsedSeconds = run.elapsedMs / 1000;
  const failed = outcomes.filter((outcome) => outcome.outcome !== 'succeeded');
  return {
    clients: clients.length,
    connectedApps: clients.filter((client) => client.kind === 'connected_app').length,
    rate,
    concurrency: run.concurrency,
    containers: fleet.pool.created,
    succeeded: outcomes.length - failed.length,
    failed: failed.length,
    retriedRotations: outcomes.filter((outcome) => outcome.attempts > 1).length,
    failureSamples: failed.slice(0, 3).map((o) => `${o.lastError?.name}: ${o.lastError?.message}`),
    stytchRequests: requests.length,
    rateLimited: limited.length,
    acceptedByOperation,
    calibrations,
    neededCalls,
    floorSeconds,
    elapsedSeconds,
    ratio: floorSeconds > 0 ? elapsedSeconds / floorSeconds : Number.POSITIVE_INFINITY,
    invariantFailures: clients.filter((client, i) => breaksInvariant(fleet, client, outcomes[i]))
      .length,
  };
}

function breaksInvariant(
  fleet: Fleet,
  client: FleetClient,
  outcome: RotationOutcome | undefined,
): boolean {
  const { stytch, secretsManager } = fleet.cloud;
  const versions = secretsManager.inspect(client.secretArn).versions;
  const secretOf = (value: string | undefined) => {
    const secret = (JSON.parse(value ?? '{}') as { client_secret?: unknown }).client_secret;
    return typeof secret === 'string' ? secret : undefined;
  };
  const current = secretOf(versions.find((v) => v.stages.includes('AWSCURRENT'))?.value);
  const held = new Set(versions.map((v) => secretOf(v.value)).filter((s) => s !== undefined));
  // Until a rotation completes, the secret the client was created with is still its owner's.
  if (current === undefined || outcome?.outcome !== 'succeeded') held.add(client.originalSecret);
  const orphans = stytch
    .validSecretHashes(client.clientId)
    .filter((hash) => ![...held].some((secret) => hashSecret(secret ?? '') === hash));
  const valid = stytch.validSecretCount(client.clientId);
  return (
    !stytch.isValidSecret(client.clientId, current ?? client.originalSecret) ||
    orphans.length > 0 ||
    (outcome?.outcome === 'succeeded' && valid !== 1)
  );
}

export function formatScaleReport(report: ScaleReport, maxRatio: number): string {
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  const accepted = Object.entries(report.acceptedByOperation)
    .map(([operation, count]) => `${operation} ${count}`)
    .join(', ');
  const m2m = report.clients - report.connectedApps;
  return [
    `scale: ${report.clients} clients (${report.connectedApps} Connected Apps, ${m2m} M2M), ` +
      `Stytch limited to ${report.rate} requests/s, reserved concurrency ${report.concurrency} ` +
      `(${report.containers} containers started)`,
    `  rotations     ${report.succeeded} succeeded, ${report.failed} failed ` +
      `(${report.retriedRotations} needed a Secrets Manager retry)   target 0 failed: ${mark(report.failed === 0)}`,
    ...report.failureSamples.map((sample) => `    e.g. ${sample}`),
    `  Stytch calls  ${report.stytchRequests} made: ${report.rateLimited} answered 429, accepted: ${accepted}`,
    `  floor         (${report.neededCalls} calls needed = ${report.clients} x ${CALLS_PER_ROTATION} + ` +
      `${report.calibrations} probe calibrations, less a burst of ${report.rate}) / ${report.rate} per s = ` +
      `${report.floorSeconds.toFixed(1)} s`,
    `  total time    ${report.elapsedSeconds.toFixed(1)} s`,
    `  ratio         ${report.ratio.toFixed(3)}   target <= ${maxRatio}: ${mark(report.ratio <= maxRatio)}`,
    `  invariants    ${report.clients - report.invariantFailures} of ${report.clients} clients: ` +
      'AWSCURRENT authenticates, no valid secret outside the store, one valid once rotated: ' +
      mark(report.invariantFailures === 0),
  ].join('\n');
}
