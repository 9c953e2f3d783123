/**
 * Which secrets a pass visits, and in what order. Due overlaps come first, oldest due first, because
 * they carry the promise "completed no later than D plus one interval"; then every other need the
 * listing shows; the drift audit's slice last, so it only gets the Stytch budget that is left. A pass
 * that runs out of time therefore leaves audits behind before it leaves anything that is due.
 */
import type { SecretMetadata } from '../secrets/store.ts';
import { type AuditSchedule, auditSlice, auditSlot } from './audit-slice.ts';
import { type Need, triage } from './triage.ts';
import type { Visit } from './visit.ts';

export interface OrderPolicy {
  readonly now: Date;
  readonly completionDelaySeconds: number;
  readonly audit: AuditSchedule;
  /** The scheduled time whose audit slot the pass covers (a continuation keeps its origin's). */
  readonly scheduledAt: Date;
}

/** Visited after due overlaps, in this order; `audit` last. */
const NEED_ORDER: readonly Need[] = [
  'due-overlap',
  'pending',
  'stale-pending',
  'deferred',
  'unmarked-promotion',
  'never-rotated',
  'last-error',
  'audit',
];

/** The secrets to visit, in the order to visit them; idle ones are left out. */
export function visitingOrder(listed: readonly SecretMetadata[], policy: OrderPolicy): Visit[] {
  const slot = auditSlot(policy.scheduledAt, policy.audit);
  const slice = auditSlice(
    listed.map((s) => s.arn),
    slot,
    policy.audit,
  );
  const visits = listed
    .map((secret) => ({
      listed: secret,
      triage: triage(secret, {
        now: policy.now,
        completionDelaySeconds: policy.completionDelaySeconds,
        auditTurn: slice.has(secret.arn),
      }),
    }))
    .filter((visit) => visit.triage.need !== 'idle');
  const rank = (visit: Visit) => NEED_ORDER.indexOf(visit.triage.need);
  const due = (visit: Visit) => visit.triage.overlapDueAt?.getTime() ?? 0;
  // Array.prototype.sort is stable: within one need the listing's order (creation order) is kept.
  return visits.sort((a, b) => rank(a) - rank(b) || due(a) - due(b));
}

/** How many visits each need accounts for, for the pass's first log line. */
export function countNeeds(visits: readonly Visit[]): Partial<Record<Need, number>> {
  const counts: Partial<Record<Need, number>> = {};
  for (const visit of visits) counts[visit.triage.need] = (counts[visit.triage.need] ?? 0) + 1;
  return counts;
}

/** What the listing alone shows of the fleet, for the dashboard: open overlaps and first rotations. */
export interface ListingGauges {
  readonly overlapsOpen: number;
  readonly notRotated: number;
}

/** Counts open overlaps and never-rotated secrets from the listing, without any further call. */
export function listingGauges(
  listed: readonly SecretMetadata[],
  policy: { readonly now: Date; readonly completionDelaySeconds: number },
): ListingGauges {
  let overlapsOpen = 0;
  let notRotated = 0;
  for (const secret of listed) {
    const judged = triage(secret, { ...policy, auditTurn: false });
    if (judged.overlapDueAt !== undefined) overlapsOpen += 1;
    if (judged.need === 'never-rotated') notRotated += 1;
  }
  return { overlapsOpen, notRotated };
}
