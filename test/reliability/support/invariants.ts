/**
 * The invariants a rotation must never break, as checks that return violations instead of throwing:
 * they run inside the function's calls (where a throw would look like a failed call) and their
 * results feed a matrix. A violation names the invariant and the call, never a secret.
 *
 * 1. AWSCURRENT's secret always authenticates at Stytch.
 * 2. Once settled, every secret Stytch accepts is held by the store, and two are valid only during
 *    an open overlap (Stytch's next secret is AWSCURRENT's, its current one AWSPREVIOUS's).
 * 3. (checked by the caller) the rotation converges, or the reconcile abandons it and the next works.
 * 4. No secret value appears in a log line, an error, a rotation event or a tag.
 */
import { lastFour } from '../../../lambda/secrets/secret-value.ts';
import { hashSecret } from '../../../local/stytch/index.ts';
import type { ManagedClient } from '../../e2e/rotation-world.ts';
import { describeErrorFully } from '../../unit/helpers/no-secrets.ts';
import type { ReliabilityWorld } from './reliability-world.ts';

/** Invariant 1 at one observation point. */
export function currentAuthenticates(world: ReliabilityWorld, client: ManagedClient): boolean {
  return world.cloud.stytch.isValidSecret(client.clientId, world.currentSecret(client));
}

/** Invariants 1 and 2 once the rotation (and any recovery) has settled. */
export function settledViolations(
  world: ReliabilityWorld,
  client: ManagedClient,
  completionDelaySeconds: number,
): string[] {
  const violations: string[] = [];
  if (!currentAuthenticates(world, client)) {
    violations.push('1: AWSCURRENT does not authenticate once settled');
  }
  violations.push(...orphanViolations(world, client));
  const valid = world.cloud.stytch.validSecretCount(client.clientId);
  if (valid > 2) violations.push(`2: Stytch accepts ${valid} secrets`);
  if (valid === 2 && !overlapIsOpen(world, client, completionDelaySeconds)) {
    violations.push('2: two secrets are valid outside an open overlap');
  }
  return violations;
}

/** Invariant 2's first half, which holds at every moment: no valid secret the store does not hold. */
export function orphanViolations(world: ReliabilityWorld, client: ManagedClient): string[] {
  const stored = world.base
    .versions(client.secretArn)
    .map((version) => version.value?.client_secret)
    .filter((secret): secret is string => typeof secret === 'string');
  const held = new Set(stored.map(hashSecret));
  if (world.base.secretAt(client.secretArn, 'AWSCURRENT') === undefined) {
    held.add(hashSecret(client.originalSecret));
  }
  const valid = world.cloud.stytch.validSecretHashes(client.clientId);
  const orphans = valid.filter((hash) => !held.has(hash)).length;
  return orphans > 0 ? [`2: Stytch accepts ${orphans} secret(s) the store does not hold`] : [];
}

function overlapIsOpen(
  world: ReliabilityWorld,
  client: ManagedClient,
  completionDelaySeconds: number,
): boolean {
  const { stytch } = world.cloud;
  const current = world.base.secretAt(client.secretArn, 'AWSCURRENT');
  const previous = world.base.secretAt(client.secretArn, 'AWSPREVIOUS') ?? client.originalSecret;
  return (
    completionDelaySeconds > 0 &&
    current !== undefined &&
    stytch.clientState(client.clientId).nextLastFour === lastFour(current) &&
    stytch.isValidSecret(client.clientId, current) &&
    stytch.isValidSecret(client.clientId, previous)
  );
}

/** Invariant 4: every text the function produced, searched for every secret the world has seen. */
export function leakViolations(
  world: ReliabilityWorld,
  clients: readonly ManagedClient[],
): string[] {
  const sm = world.cloud.secretsManager;
  const texts = [
    world.base.log.text(),
    ...world.errors.map(describeErrorFully),
    ...sm.invocations.map((invocation) => invocation.errorMessage ?? ''),
    ...sm.events.map((event) => event.errorMessage ?? ''),
    ...clients.map((client) => JSON.stringify(sm.inspect(client.secretArn).tags)),
  ].join('\n');
  const leaked = world.base.knownSecrets.filter((secret) => texts.includes(secret)).length;
  return leaked > 0 ? [`4: ${leaked} secret value(s) appear in logs, errors, events or tags`] : [];
}
