/**
 * What no interleaving may break, as checks that record violations (they run inside the actors'
 * calls, where a throw would look like a failed call). A violation names the invariant and, for
 * the per-call ones, the call after which it broke; never a secret.
 *
 * After every call:
 * - AWSCURRENT's secret authenticates at Stytch (once it ever has);
 * - no overlap ends before its due time (the overlap-since mark of the AWSCURRENT version plus the
 *   completion delay), except by the operator's explicit command.
 * After quiescence and one reconcile pass:
 * - exactly one valid secret, AWSCURRENT's;
 * - nothing pending at Stytch;
 * - no valid secret that the store does not hold;
 * - no step stuck: no AWSPENDING left on a version that is not AWSCURRENT, and the next rotation
 *   starts and succeeds.
 */
import { OVERLAP_SINCE_TAG, parseOverlapSince } from '../../lambda/reconcile/tags.ts';
import { hashSecret } from '../../local/stytch/index.ts';
import type { ManagedClient } from '../e2e/rotation-world.ts';
import type { InterleavingLane } from './interleaving-lane.ts';

/** A version as the checks read it. */
interface StoredVersion {
  readonly versionId: string;
  readonly stages: readonly string[];
  readonly value: Record<string, unknown> | undefined;
}

export function storedVersions(lane: InterleavingLane, secretArn: string): StoredVersion[] {
  return lane.world.cloud.secretsManager.inspect(secretArn).versions.map((v) => ({
    versionId: v.versionId,
    stages: v.stages,
    value: v.value === undefined ? undefined : parseOrUndefined(v.value),
  }));
}

function parseOrUndefined(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function secretOf(version: StoredVersion | undefined): string | undefined {
  const secret = version?.value?.client_secret;
  return typeof secret === 'string' ? secret : undefined;
}

/** AWSCURRENT's client secret; before the first rotation, the one Stytch issued at creation. */
export function currentSecret(lane: InterleavingLane, client: ManagedClient): string {
  const current = storedVersions(lane, client.secretArn).find((v) =>
    v.stages.includes('AWSCURRENT'),
  );
  return secretOf(current) ?? client.originalSecret;
}

interface OpenOverlap {
  /** Hash of the secret the overlap keeps valid (Stytch's current one). */
  readonly oldHash: string;
  /** Epoch ms from which the overlap may end; undefined when it is not marked for AWSCURRENT. */
  readonly dueAt: number | undefined;
}

/** The overlap open now: Stytch's next secret is AWSCURRENT's and its current one is still valid. */
function openOverlap(lane: InterleavingLane, client: ManagedClient): OpenOverlap | undefined {
  const record = lane.world.cloud.stytch.state.clients.get(client.clientId);
  if (record?.current === undefined || record.next === undefined || record.deleted)
    return undefined;
  if (record.next.hash !== hashSecret(currentSecret(lane, client))) return undefined;
  const snapshot = lane.world.cloud.secretsManager.inspect(client.secretArn);
  const currentVersion = snapshot.versions.find((v) => v.stages.includes('AWSCURRENT'))?.versionId;
  const mark = parseOverlapSince(snapshot.tags[OVERLAP_SINCE_TAG]);
  const dueAt =
    mark !== undefined && mark.versionId === currentVersion
      ? mark.since.getTime() + lane.completionDelaySeconds * 1000
      : undefined;
  return { oldHash: record.current.hash, dueAt };
}

/** The per-call checks of one schedule, for the client whose promises are under test. */
export class PerCallChecks {
  readonly violations = new Set<string>();
  #authenticated: boolean;
  #overlap: OpenOverlap | undefined;

  constructor(
    private readonly lane: InterleavingLane,
    private readonly client: ManagedClient,
  ) {
    this.#authenticated = this.#currentIsValid();
    this.#overlap = openOverlap(lane, client);
  }

  /** Runs after call `label`; `emergency` when the caller is the operator's explicit command. */
  afterCall(label: string, emergency: boolean): void {
    const valid = this.#currentIsValid();
    if (this.#authenticated && !valid) {
      this.violations.add(`AWSCURRENT does not authenticate (after ${label})`);
    }
    this.#authenticated ||= valid;
    if (this.lane.completionDelaySeconds === 0) return;
    const before = this.#overlap;
    if (before !== undefined && !this.#stillValid(before.oldHash) && !emergency) {
      const now = this.lane.world.clock.now().getTime();
      if (before.dueAt === undefined || now < before.dueAt) {
        this.violations.add(`an overlap ended before its due time (by ${label})`);
      }
    }
    this.#overlap = openOverlap(this.lane, this.client);
  }

  #currentIsValid(): boolean {
    return this.lane.world.cloud.stytch.isValidSecret(
      this.client.clientId,
      currentSecret(this.lane, this.client),
    );
  }

  #stillValid(hash: string): boolean {
    return this.lane.world.cloud.stytch.validSecretHashes(this.client.clientId).includes(hash);
  }
}

/** The checks once the actors, Secrets Manager's retries and one reconcile pass are done. */
export function settledViolations(
  lane: InterleavingLane,
  client: ManagedClient,
  holders: readonly string[],
): string[] {
  const violations: string[] = [];
  const { stytch } = lane.world.cloud;
  const current = currentSecret(lane, client);
  const valid = stytch.validSecretHashes(client.clientId);
  if (!(valid.length === 1 && valid[0] === hashSecret(current))) {
    const works = stytch.isValidSecret(client.clientId, current) ? 'works' : 'does not work';
    violations.push(
      `not exactly one valid AWSCURRENT (${valid.length} valid secrets; AWSCURRENT's ${works})`,
    );
  }
  if (stytch.clientState(client.clientId).nextLastFour !== null) {
    violations.push('a next secret is still pending at Stytch');
  }
  const versions = storedVersions(lane, client.secretArn);
  const held = new Set(
    holders.flatMap((arn) =>
      storedVersions(lane, arn).flatMap((v) => {
        const secret = secretOf(v);
        return secret === undefined ? [] : [hashSecret(secret)];
      }),
    ),
  );
  if (secretOf(versions.find((v) => v.stages.includes('AWSCURRENT'))) === undefined) {
    held.add(hashSecret(client.originalSecret));
  }
  const orphans = valid.filter((hash) => !held.has(hash)).length;
  if (orphans > 0) violations.push(`${orphans} valid secret(s) the store does not hold`);
  const stuck = versions.find(
    (v) => v.stages.includes('AWSPENDING') && !v.stages.includes('AWSCURRENT'),
  );
  if (stuck !== undefined)
    violations.push('a step is stuck: AWSPENDING left on a non-current version');
  return violations;
}
