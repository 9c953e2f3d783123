import { describe, expect, it } from 'vitest';
import {
  type PlanPolicy,
  planReconcile,
  shouldCancelAtStytch,
} from '../../lambda/reconcile/inspect-secret.ts';
import type { ObservedSecret, StoredVersion, StytchView } from '../../lambda/reconcile/observe.ts';

const NOW = new Date('2026-01-02T00:00:00Z');
const POLICY: PlanPolicy = { now: NOW, completionDelaySeconds: 3600, stuckRotationHours: 24 };
const HOUR_MS = 3_600_000;

function version(
  id: string,
  stages: string[],
  lastFour: string | null,
  hoursAgo = 48,
): StoredVersion {
  return {
    versionId: id,
    stages,
    createdDate: new Date(NOW.getTime() - hoursAgo * HOUR_MS),
    hasValue: lastFour !== null,
    secretLastFour: lastFour,
  };
}

function observed(
  stytch: StytchView,
  extra: { pending?: StoredVersion; overlapSinceHoursAgo?: number } = {},
): ObservedSecret {
  const current = version('v-current', ['AWSCURRENT'], 'CCCC');
  const previous = version('v-previous', ['AWSPREVIOUS'], 'PPPP');
  const since = extra.overlapSinceHoursAgo;
  return {
    arn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:s-AbCdEf',
    name: 's',
    clientId: 'm2m-client-test-1',
    clientKind: 'm2m_client',
    versions: [current, previous, ...(extra.pending ? [extra.pending] : [])],
    current,
    pending: extra.pending,
    overlapSince:
      since === undefined
        ? undefined
        : { versionId: 'v-current', since: new Date(NOW.getTime() - since * HOUR_MS) },
    lastError: undefined,
    lastRotatedDate: undefined,
    nextRotationDate: undefined,
    stytch,
  };
}

const found = (current: string | null, next: string | null): StytchView => ({
  kind: 'found',
  current,
  next,
  requestId: 'r',
});

describe('planReconcile', () => {
  it.each([
    ['a clean secret', observed(found('CCCC', null)), 'none', 'ok'],
    [
      'an overlap not yet due',
      observed(found('PPPP', 'CCCC'), { overlapSinceHoursAgo: 0.5 }),
      'none',
      'overlap',
    ],
    [
      'an overlap due exactly now',
      observed(found('PPPP', 'CCCC'), { overlapSinceHoursAgo: 1 }),
      'complete-overlap',
      'overlap',
    ],
    ['an unmarked overlap', observed(found('PPPP', 'CCCC')), 'mark-overlap', 'overlap'],
    [
      'a young rotation with its secret staged',
      observed(found('CCCC', 'NNNN'), { pending: version('v-new', ['AWSPENDING'], 'NNNN', 1) }),
      'none',
      'rotating',
    ],
    [
      'a young rotation before createSecret stored a secret',
      observed(found('CCCC', 'XXXX'), { pending: version('v-new', ['AWSPENDING'], null, 1) }),
      'none',
      'rotating',
    ],
    [
      'an old rotation with its secret staged',
      observed(found('CCCC', 'NNNN'), { pending: version('v-new', ['AWSPENDING'], 'NNNN', 24) }),
      'abandon',
      'stuck',
    ],
    [
      'a young rotation whose secret Stytch dropped',
      observed(found('CCCC', null), { pending: version('v-new', ['AWSPENDING'], 'NNNN', 1) }),
      'abandon',
      'stuck',
    ],
    [
      'an old rotation that Stytch completed but nobody promoted',
      observed(found('NNNN', null), { pending: version('v-new', ['AWSPENDING'], 'NNNN', 30) }),
      'report-drift',
      'drift',
    ],
    ['a stray next secret', observed(found('CCCC', 'SSSS')), 'discard-stray', 'drift'],
    ['an unknown current secret', observed(found('ZZZZ', null)), 'report-drift', 'drift'],
    ['a cancelled overlap', observed(found('PPPP', null)), 'report-drift', 'drift'],
    ['a deleted client', observed({ kind: 'not-found', requestId: 'r' }), 'report-drift', 'drift'],
    [
      'refused credentials',
      observed({ kind: 'unauthorized', requestId: 'r' }),
      'report-drift',
      'drift',
    ],
  ] as const)('plans %s as %s (%s)', (_, secret, action, health) => {
    // Act
    const plan = planReconcile(secret, POLICY);

    // Assess
    expect({ action: plan.action, health: plan.health }).toEqual({ action, health });
  });

  it('never plans to complete an overlap one millisecond early', () => {
    // Prepare
    const secret = observed(found('PPPP', 'CCCC'), { overlapSinceHoursAgo: 1 });

    // Act
    const plan = planReconcile(secret, { ...POLICY, now: new Date(NOW.getTime() - 1) });

    // Assess
    expect(plan).toMatchObject({ action: 'none', overlapUntil: NOW });
  });

  it.each([
    ['holds the same client secret, due', true, 1, 'complete-overlap'],
    ['holds the same client secret, not due', true, 0.5, 'mark-overlap'],
    ['holds another client secret, long due', false, 5, 'mark-overlap'],
  ] as const)('a mark on an older version that %s', (_, carries, hoursAgo, action) => {
    // Prepare: a person's PutSecretValue moved AWSCURRENT on after the mark was written
    const secret: ObservedSecret = {
      ...observed(found('PPPP', 'CCCC')),
      overlapSince: { versionId: 'v-edited', since: new Date(NOW.getTime() - hoursAgo * HOUR_MS) },
      overlapSinceCarriesOver: carries,
    };

    // Act
    const plan = planReconcile(secret, POLICY);

    // Assess: only a mark that dates AWSCURRENT's secret counts towards completing
    expect(plan.action).toBe(action);
  });
});

describe('shouldCancelAtStytch', () => {
  const pending = version('v-new', ['AWSPENDING'], 'NNNN', 30);
  const secret = observed(found('CCCC', 'NNNN'), { pending });

  it.each([
    ['the pending secret', 'NNNN', true],
    ['a secret no version holds', 'SSSS', true],
    ["AWSCURRENT's secret (an open overlap)", 'CCCC', false],
    ['nothing', null, false],
  ] as const)("cancels when Stytch's next is %s: %s", (_, next, expected) => {
    // Act / Assess
    expect(shouldCancelAtStytch(secret, next)).toBe(expected);
  });
});
