/**
 * `status`: every managed secret, observed and judged by the reconcile's own code, so the CLI and
 * the reconcile never disagree about what is healthy.
 */

import {
  type Health,
  overlapUntil,
  planReconcile,
} from '../../../lambda/reconcile/inspect-secret.ts';
import { type ObservedSecret, observeSecret } from '../../../lambda/reconcile/observe.ts';
import { forEachConcurrently } from '../../../lambda/reconcile/pacing.ts';
import type { LastError } from '../../../lambda/reconcile/tags.ts';
import type { SecretMetadata } from '../../../lambda/secrets/store.ts';
import type { CliContext } from '../context.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { renderStatusTable } from './status-view.ts';

/** One secret in `status --json`. Last fours only, never a secret. */
export interface StatusRow {
  readonly name: string;
  readonly arn: string;
  readonly clientId: string | null;
  readonly kind: string | null;
  readonly versions: ReadonlyArray<{
    readonly versionId: string;
    readonly stages: readonly string[];
    /** The last four of the stored client secret; null when the version holds none. */
    readonly lastFour: string | null;
    readonly hasValue: boolean;
    readonly createdDate: string | null;
  }>;
  readonly lastRotated: string | null;
  readonly nextRotation: string | null;
  /** Stytch's view: last fours, or why there is none. */
  readonly stytch:
    | { readonly current: string | null; readonly next: string | null }
    | { readonly error: string };
  /** When the open overlap may be completed; `unmarked` when its start is not recorded; null when none is open. */
  readonly overlapUntil: string | null;
  readonly health: Health | 'error';
  /** Why, in one sentence; for drift, what to do. */
  readonly detail: string;
  /** The last failed rotation step, as recorded on the secret. */
  readonly lastError: LastError | null;
}

/** Health values that need a person; `status` exits 3 when any row has one. */
const NEEDS_ATTENTION: ReadonlySet<StatusRow['health']> = new Set(['stuck', 'drift', 'error']);

const CALL_BUDGET_MS = 120_000;

export async function statusCommand(ctx: CliContext): Promise<ExitCode> {
  const { key, value } = ctx.flags.tag;
  const listed: SecretMetadata[] = [];
  for await (const secret of ctx.store.listTagged(key, value)) listed.push(secret);
  if (listed.length === 0) {
    if (ctx.flags.json) ctx.io.out('[]');
    else ctx.io.out(`no secrets carry the tag ${key}${value === undefined ? '' : `=${value}`}`);
    return EXIT.ok;
  }
  const stytch = await ctx.stytch();
  const rows: StatusRow[] = new Array(listed.length);
  await forEachConcurrently(listed, ctx.concurrency, async (secret, index) => {
    const call = { deadline: ctx.io.clock.now().getTime() + CALL_BUDGET_MS };
    try {
      const observed = await observeSecret({ store: ctx.store, stytch }, secret.arn, call, {
        allVersionDates: true,
      });
      rows[index] = toRow(ctx, observed);
    } catch (error) {
      rows[index] = errorRow(secret, error);
    }
  });
  if (ctx.flags.json) ctx.io.out(JSON.stringify(rows, null, 2));
  else
    for (const line of renderStatusTable(rows, `${key}${value === undefined ? '' : `=${value}`}`))
      ctx.io.out(line);
  return rows.some((row) => NEEDS_ATTENTION.has(row.health)) ? EXIT.attention : EXIT.ok;
}

function toRow(ctx: CliContext, observed: ObservedSecret): StatusRow {
  const { completionDelaySeconds, stuckRotationHours } = ctx.config;
  const plan = planReconcile(observed, {
    now: ctx.io.clock.now(),
    completionDelaySeconds,
    stuckRotationHours,
  });
  const { stytch, current } = observed;
  const overlapOpen =
    stytch.kind === 'found' && stytch.next !== null && stytch.next === current.secretLastFour;
  return {
    name: observed.name,
    arn: observed.arn,
    clientId: observed.clientId,
    kind: observed.clientKind,
    versions: observed.versions.map((v) => ({
      versionId: v.versionId,
      stages: v.stages,
      lastFour: v.secretLastFour,
      hasValue: v.hasValue,
      createdDate: v.createdDate?.toISOString() ?? null,
    })),
    lastRotated: observed.lastRotatedDate?.toISOString() ?? null,
    nextRotation: observed.nextRotationDate?.toISOString() ?? null,
    stytch:
      stytch.kind === 'found'
        ? { current: stytch.current, next: stytch.next }
        : { error: stytch.kind === 'not-found' ? 'client not found' : 'credentials refused (401)' },
    overlapUntil: overlapOpen
      ? (overlapUntil(observed, completionDelaySeconds)?.toISOString() ?? 'unmarked')
      : null,
    health: plan.health,
    detail: observed.deferred
      ? `${plan.why}; a rotation (${observed.deferred.token}) was deferred by the open overlap ` +
        `(OVERLAP_OPEN): the reconcile starts it once the overlap due at ` +
        `${observed.deferred.dueAt.toISOString()} is completed`
      : plan.why,
    lastError: observed.lastError ?? null,
  };
}

function errorRow(secret: SecretMetadata, error: unknown): StatusRow {
  return {
    name: secret.name,
    arn: secret.arn,
    clientId: null,
    kind: null,
    versions: Object.entries(secret.versionStages).map(([versionId, stages]) => ({
      versionId,
      stages,
      lastFour: null,
      hasValue: false,
      createdDate: null,
    })),
    lastRotated: secret.lastRotatedDate?.toISOString() ?? null,
    nextRotation: secret.nextRotationDate?.toISOString() ?? null,
    stytch: { error: 'not read' },
    overlapUntil: null,
    health: 'error',
    detail: error instanceof Error ? error.message : String(error),
    lastError: null,
  };
}
