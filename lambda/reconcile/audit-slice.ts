/**
 * The drift audit's rotating slice. A secret the listing shows as idle can still have drifted at
 * Stytch (a deleted client, a rotation done elsewhere, a stray next secret, revoked credentials); only
 * reading Stytch shows that. Reading every secret every pass is what made a pass cost O(N) calls, so
 * each pass audits one slice, and the slices of one audit period's passes cover every secret once.
 *
 * The slice is a pure function of the listing and the pass's time slot, so no state is kept anywhere:
 * the secrets are ordered by a stable hash of their ARN, and slot k of the period takes the ranks
 * r with ⌊r·S/N⌋ = k (S slots per period, N secrets). Every slice then holds ⌊N/S⌋ or ⌈N/S⌉ secrets,
 * and S consecutive slots cover each rank exactly once.
 */
/** How the audit period is cut into passes. */
export interface AuditSchedule {
  /** The reconcile's schedule interval, in ms. */
  readonly intervalMs: number;
  /** Each secret is audited once per this period, in ms. */
  readonly periodMs: number;
}

/** How many passes (slots) one audit period holds: at least 1. */
export function slotsPerPeriod(schedule: AuditSchedule): number {
  return Math.max(1, Math.round(schedule.periodMs / schedule.intervalMs));
}

/**
 * The slot a pass at `at` belongs to, in 0..S-1. Rounded to the nearest interval boundary, so a pass
 * the schedule fires a few seconds before or after its boundary (EventBridge's jitter) still lands in
 * its own slot; a schedule aligned to the boundaries (cron at :00, :15, …) keeps every pass far from
 * the half-interval where two slots meet.
 */
export function auditSlot(at: Date, schedule: AuditSchedule): number {
  const slots = slotsPerPeriod(schedule);
  const index = Math.round(at.getTime() / schedule.intervalMs);
  return ((index % slots) + slots) % slots;
}

/**
 * A stable 32-bit hash of the ARN (FNV-1a over its UTF-16 code units): the same on every container
 * and every pass, and cheap for 10,000 ARNs. Only the order it gives matters, and ties are broken by
 * the ARN, so its collisions cost nothing; it spreads secrets created one after another over the
 * whole period instead of auditing them in creation order.
 */
export function arnHash(arn: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < arn.length; i++) {
    hash = Math.imul(hash ^ arn.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The ARNs whose audit turn is `slot`: the slot-th of S near-equal runs of the ARNs in hash order.
 */
export function auditSlice(
  arns: readonly string[],
  slot: number,
  schedule: AuditSchedule,
): Set<string> {
  const slots = slotsPerPeriod(schedule);
  const ranked = arns
    .map((arn) => ({ arn, hash: arnHash(arn) }))
    .sort((a, b) => a.hash - b.hash || (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  const slice = new Set<string>();
  ranked.forEach(({ arn }, rank) => {
    if (Math.floor((rank * slots) / ranked.length) === slot) slice.add(arn);
  });
  return slice;
}
