import { describe, expect, it } from 'vitest';
import { AwsServiceError, Input } from '../../local/aws-json.ts';
import { ManualClock } from '../../local/manual-clock.ts';
import { listSecrets } from '../../local/secrets-manager/list-operations.ts';
import type {
  OperationContext,
  RotationControl,
} from '../../local/secrets-manager/operation-context.ts';
import { nextRotationDate, readRotationRules } from '../../local/secrets-manager/schedule.ts';
import { createSecret } from '../../local/secrets-manager/secret-operations.ts';
import { pruneDeprecatedVersions } from '../../local/secrets-manager/stages.ts';
import { addVersion, newSecret, SecretsState } from '../../local/secrets-manager/state.ts';
import {
  putSecretValue,
  updateSecretVersionStage,
} from '../../local/secrets-manager/version-operations.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The operations over a fresh state, with a rotation control that records abandonment only. */
function context() {
  const clock = new ManualClock(new Date('2026-01-10T00:00:00Z'));
  const abandoned: string[] = [];
  const rotation: RotationControl = {
    hasFunction: () => false,
    activeToken: () => undefined,
    wasStarted: () => false,
    start: () => {},
    testConfiguration: async () => {},
    cancel: () => {},
    pendingAbandoned: (_secret, version) => abandoned.push(version.versionId),
  };
  const ctx: OperationContext = {
    state: new SecretsState(clock, 'us-east-1', '000000000000'),
    clock,
    rotation,
  };
  return { ctx, clock, abandoned };
}

const input = (raw: Record<string, unknown>) => new Input(raw);
const token = (n: number) => `${String(n).padStart(4, '0')}${'a'.repeat(32)}`;

function codeOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    if (error instanceof AwsServiceError) return error.code;
    throw error;
  }
  throw new Error('expected an AwsServiceError');
}

describe('rotation rules', () => {
  it('accepts a cron schedule on the hour and refuses one at other minutes', () => {
    // Act
    const onTheHour = readRotationRules(
      input({ ScheduleExpression: 'cron(0 4 ? * SUN *)', Duration: '3h' }),
    );
    const code = codeOf(() =>
      readRotationRules(input({ ScheduleExpression: 'cron(15 4 ? * SUN *)' })),
    );
    // Assess
    expect(onTheHour).toEqual({ scheduleExpression: 'cron(0 4 ? * SUN *)', duration: '3h' });
    expect(code).toBe('InvalidParameterException');
  });

  it('refuses AutomaticallyAfterDays together with ScheduleExpression, and out-of-range days', () => {
    // Act
    const both = codeOf(() =>
      readRotationRules(input({ AutomaticallyAfterDays: 5, ScheduleExpression: 'rate(5 days)' })),
    );
    const tooMany = codeOf(() => readRotationRules(input({ AutomaticallyAfterDays: 1001 })));
    const badDuration = codeOf(() =>
      readRotationRules(input({ AutomaticallyAfterDays: 5, Duration: '25h' })),
    );
    // Assess
    expect([both, tooMany, badDuration]).toEqual([
      'InvalidParameterException',
      'ValidationException',
      'InvalidParameterException',
    ]);
  });

  it('computes NextRotationDate from the last rotation, and none when rotation is off', () => {
    // Prepare
    const { ctx } = context();
    const secret = newSecret(ctx.state, 'scheduled');
    secret.rotation.rules = { scheduleExpression: 'rate(10 days)' };
    secret.lastRotatedDate = new Date('2026-01-05T00:00:00Z');
    // Act
    const off = nextRotationDate(secret);
    secret.rotation.enabled = true;
    const on = nextRotationDate(secret);
    // Assess
    expect(off).toBeUndefined();
    expect(on).toEqual(new Date('2026-01-15T00:00:00Z'));
  });
});

describe('stage rules without HTTP', () => {
  it('reports an abandoned rotation when PutSecretValue takes AWSPENDING from a pending version', () => {
    // Prepare
    const { ctx, abandoned } = context();
    createSecret(ctx, input({ Name: 's', SecretString: 'v1', ClientRequestToken: token(1) }));
    putSecretValue(
      ctx,
      input({
        SecretId: 's',
        SecretString: 'v2',
        ClientRequestToken: token(2),
        VersionStages: ['AWSPENDING'],
      }),
    );
    // Act
    putSecretValue(
      ctx,
      input({
        SecretId: 's',
        SecretString: 'v3',
        ClientRequestToken: token(3),
        VersionStages: ['AWSPENDING'],
      }),
    );
    // Assess
    expect(abandoned).toEqual([token(2)]);
  });

  it('does not report abandonment when AWSPENDING leaves the current version', () => {
    // Prepare
    const { ctx, abandoned } = context();
    createSecret(ctx, input({ Name: 's', SecretString: 'v1', ClientRequestToken: token(1) }));
    updateSecretVersionStage(
      ctx,
      input({ SecretId: 's', VersionStage: 'AWSPENDING', MoveToVersionId: token(1) }),
    );
    // Act
    updateSecretVersionStage(
      ctx,
      input({ SecretId: 's', VersionStage: 'AWSPENDING', RemoveFromVersionId: token(1) }),
    );
    // Assess
    expect(abandoned).toEqual([]);
  });

  it('refuses a RotationToken the service never issued for the secret', () => {
    // Prepare
    const { ctx } = context();
    createSecret(ctx, input({ Name: 's', SecretString: 'v1' }));
    // Act
    const code = codeOf(() =>
      putSecretValue(ctx, input({ SecretId: 's', SecretString: 'v2', RotationToken: 'forged' })),
    );
    // Assess
    expect(code).toBe('AccessDeniedException');
  });

  it('prunes deprecated versions beyond 100, sparing those younger than a day', () => {
    // Prepare
    const { ctx, clock } = context();
    const secret = newSecret(ctx.state, 'many');
    for (let i = 0; i < 103; i += 1) addVersion(secret, token(i), 'v', clock.now());
    clock.advance(2 * DAY_MS);
    addVersion(secret, token(200), 'v', clock.now());
    // Act
    pruneDeprecatedVersions(secret, clock.now());
    // Assess
    expect(secret.versions.size).toBe(100);
    expect(secret.versions.has(token(0))).toBe(false);
    expect(secret.versions.has(token(200))).toBe(true);
  });
});

describe('ListSecrets filters without HTTP', () => {
  it('matches descriptions case-insensitively and "all" by words', () => {
    // Prepare
    const { ctx } = context();
    createSecret(ctx, input({ Name: 'stytch/m2mClient', Description: 'Stytch M2M credentials' }));
    createSecret(ctx, input({ Name: 'database/main', Description: 'Postgres' }));
    const names = (filters: unknown[]) =>
      (
        listSecrets(ctx, input({ Filters: filters })) as { SecretList: Array<{ Name: string }> }
      ).SecretList.map((s) => s.Name);
    // Act
    const byDescription = names([{ Key: 'description', Values: ['stytch m2m'] }]);
    const byWord = names([{ Key: 'all', Values: ['client'] }]);
    // Assess
    expect(byDescription).toEqual(['stytch/m2mClient']);
    expect(byWord).toEqual(['stytch/m2mClient']);
  });
});
