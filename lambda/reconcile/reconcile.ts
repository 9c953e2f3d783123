/**
 * One reconcile pass. The managed secrets are listed (100 a page) and judged from the listing alone
 * (triage.ts); only those that need something, plus this pass's slice of the drift audit
 * (audit-slice.ts), are visited (visit.ts): due overlaps first, in due order, then the other needs,
 * then the audit, so the Stytch budget goes to what is due. One log line per visited secret says
 * what was done and why; one summary line and one set of metrics close the pass. A pass that runs
 * out of time hands the rest to a continuation (a fresh invocation, see scheduled.ts); anything that
 * needs a person makes the pass fail at the end, after every secret had its turn.
 */
import type { Log } from '../log.ts';
import { errorFields } from '../log.ts';
import type { SecretMetadata } from '../secrets/store.ts';
import type { CallOptions } from '../stytch/client.ts';
import type { ActionDeps } from './actions.ts';
import type { AuditSchedule } from './audit-slice.ts';
import { ReconcileAttentionError, type ReconcileFinding } from './errors.ts';
import { type MetricsSink, oldestRotationAgeHours, publishPassMetrics } from './metrics.ts';
import { forEachConcurrently } from './pacing.ts';
import { type PassCount, tally, tallyBookkeeping, toMetrics, zeroCounts } from './pass-counts.ts';
import type { Triage } from './triage.ts';
import { type Visit, type VisitResult, visitSecret } from './visit.ts';
import { countNeeds, listingGauges, visitingOrder } from './visiting-order.ts';

export interface ReconcileDeps extends ActionDeps {
  readonly log: Log;
  readonly metrics: MetricsSink;
}

/** Where a pass that ran out of time hands over; resolves false when it could not. */
export type HandOver = (rest: { readonly secrets: number }) => Promise<boolean>;

export interface ReconcileOptions {
  readonly managedTag: { readonly key: string; readonly value: string };
  readonly completionDelaySeconds: number;
  readonly stuckRotationHours: number;
  /** Secrets visited at once. */
  readonly concurrency: number;
  /** Epoch ms (on `deps.clock`) by which the pass must be done. */
  readonly deadline: number;
  /** How the audit period is cut into passes. */
  readonly audit: AuditSchedule;
  /**
   * The scheduled time of the pass this one continues, if any: a continuation audits the same slice.
   * @default - now
   */
  readonly scheduledAt?: Date;
  /** Called when time runs out with secrets left. @default - none: they are reported as deferred */
  readonly handOver?: HandOver;
}

/** What the summary line counts. */
export interface ReconcileSummary {
  /** Secrets the listing returned. */
  readonly secrets: number;
  /** Secrets visited (the rest were judged idle from the listing, or left for lack of time). */
  readonly visited: number;
  readonly counts: Readonly<Record<PassCount, number>>;
  readonly findings: readonly ReconcileFinding[];
  /** Secrets left to a continuation. */
  readonly handedOver: number;
}

/** A secret is not started with less time than this left: its calls may need retries. */
const MIN_MS_PER_SECRET = 5_000;

/**
 * Runs one pass.
 * @throws ReconcileAttentionError after the pass, when a rotation was abandoned, drift was found,
 *   a secret could not be inspected, or secrets were left for lack of time and not handed over
 * @throws SecretStoreError when the managed secrets cannot be listed
 */
export async function runReconcilePass(
  deps: ReconcileDeps,
  options: ReconcileOptions,
): Promise<ReconcileSummary> {
  const { log, clock } = deps;
  const startedAt = clock.now().getTime();
  const { key, value } = options.managedTag;
  const listed: SecretMetadata[] = [];
  for await (const secret of deps.store.listTagged(key, value)) listed.push(secret);
  const now = clock.now();
  const scheduledAt = options.scheduledAt ?? now;
  const visits = visitingOrder(listed, {
    now,
    completionDelaySeconds: options.completionDelaySeconds,
    audit: options.audit,
    scheduledAt,
  });
  log.info(
    `reconcile: ${listed.length} secrets tagged ${key}=${value}, ${visits.length} to visit`,
    { needs: countNeeds(visits) },
  );

  const counts = zeroCounts();
  const findings: ReconcileFinding[] = [];
  const leftOver: Visit[] = [];
  let credentialsRefused = false;
  let visited = 0;
  const call: CallOptions = { deadline: options.deadline };
  const policy = {
    completionDelaySeconds: options.completionDelaySeconds,
    stuckRotationHours: options.stuckRotationHours,
    turn: Math.round(scheduledAt.getTime() / options.audit.intervalMs),
  };

  await forEachConcurrently(visits, options.concurrency, async (visit) => {
    const secret = visit.listed;
    if (credentialsRefused) {
      // Every secret would meet the same 401; the one finding already says what to fix.
      counts.deferred += 1;
      return;
    }
    if (options.deadline - clock.now().getTime() < MIN_MS_PER_SECRET) {
      leftOver.push(visit);
      return;
    }
    visited += 1;
    try {
      const result = await visitSecret(deps, visit, { ...policy, now: clock.now() }, call);
      const { plan } = result;
      if (plan.action === 'report-drift' && plan.drift === 'credentials-refused') {
        // Several secrets in flight may meet the 401 at once: report it once.
        if (credentialsRefused) {
          counts.deferred += 1;
          return;
        }
        credentialsRefused = true;
      }
      if (visit.triage.reads === 'all') counts.audited += 1;
      tally(counts, findings, secret.name, plan, result.outcome);
      tallyBookkeeping(counts, result);
      logVisit(log, visit.triage, secret, result);
    } catch (error) {
      counts.errors += 1;
      const detail = error instanceof Error ? error.message : String(error);
      findings.push({ secret: secret.name, kind: 'error', detail });
      log.error(`reconcile: could not reconcile ${secret.name}`, {
        secret_id: secret.arn,
        need: visit.triage.need,
        ...errorFields(error),
      });
    }
  });

  const handedOver = await handOverRest(deps, options, leftOver, counts, findings);
  const summary = {
    secrets: listed.length,
    visited,
    counts,
    findings,
    handedOver,
  };
  log.info(
    `reconcile: done: ${listed.length} secrets, ${summary.visited} visited, ` +
      `${counts.overlapsCompleted} overlaps completed, ${counts.bootstrapped} first rotations ` +
      `started, ${counts.abandoned} rotations abandoned, ${counts.strayDiscarded} stray secrets ` +
      `discarded, ${counts.drift} drift, ${counts.errors} errors, ${handedOver} handed over, ` +
      `${counts.deferred} deferred`,
    { counts },
  );
  const gauges = listingGauges(listed, {
    now,
    completionDelaySeconds: options.completionDelaySeconds,
  });
  publishPassMetrics(deps.metrics, toMetrics({ ...summary, gauges }), {
    durationMs: clock.now().getTime() - startedAt,
    oldestRotationAgeHours: oldestRotationAgeHours(listed, clock.now()),
  });
  if (findings.length > 0) throw new ReconcileAttentionError(findings);
  return summary;
}

/**
 * Gives the secrets the pass had no time for to a continuation, or, when none can be started,
 * reports each as deferred (a finding: a due overlap may now complete late).
 */
async function handOverRest(
  deps: ReconcileDeps,
  options: ReconcileOptions,
  leftOver: readonly Visit[],
  counts: Record<PassCount, number>,
  findings: ReconcileFinding[],
): Promise<number> {
  if (leftOver.length === 0) return 0;
  let handed = false;
  try {
    handed = (await options.handOver?.({ secrets: leftOver.length })) ?? false;
  } catch (error) {
    deps.log.error('reconcile: could not start a continuation', errorFields(error));
  }
  if (handed) {
    deps.log.info(`reconcile: handed ${leftOver.length} secrets over to a continuation`);
    return leftOver.length;
  }
  for (const visit of leftOver) {
    counts.deferred += 1;
    findings.push({
      secret: visit.listed.name,
      kind: 'deferred',
      detail: `not visited (${visit.triage.need}): the pass ran out of time`,
    });
  }
  return 0;
}

function logVisit(log: Log, why: Triage, secret: SecretMetadata, result: VisitResult): void {
  const { plan, outcome, observed } = result;
  const line =
    outcome === undefined
      ? `reconcile: ${secret.name}: ${plan.health}: ${plan.why}`
      : `reconcile: ${plan.action} ${secret.name}: ${outcome.outcome}: ${outcome.detail} (because ${plan.why})`;
  const attributes = {
    secret_id: secret.arn,
    client_id: observed.clientId,
    need: why.need,
    action: plan.action,
    health: plan.health,
    why: plan.why,
    outcome: outcome?.outcome ?? 'none',
    bookkeeping: result.bookkeeping.map((b) => `${b.move}: ${b.outcome.outcome}`),
  };
  if (plan.action === 'report-drift' || plan.action === 'abandon') log.error(line, attributes);
  else if (plan.action === 'discard-stray') log.warn(line, attributes);
  else log.info(line, attributes);
}
