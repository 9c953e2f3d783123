import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  RestoreSecretCommand,
  RotateSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../local/manual-clock.ts';
import { errorOf, FUNCTION_ARN, newToken, useHarness } from './secrets-manager.harness.ts';

const START = new Date('2026-03-01T10:00:00Z');
const HOUR_MS = 60 * 60 * 1000;
const clock = new ManualClock(START);
const h = useHarness({ clock, region: 'eu-west-1', accountId: '123456789012' });
beforeAll(() => {
  h.sm.registerFunction(FUNCTION_ARN, async () => {});
});

describe('CreateSecret and DescribeSecret', () => {
  it('creates a secret addressable by name and by its ARN with a six-character suffix', async () => {
    // Act
    const created = await h.client.send(
      new CreateSecretCommand({
        Name: 'app/one',
        SecretString: 'v1',
        Description: 'first',
        Tags: [{ Key: 'team', Value: 'id' }],
      }),
    );
    // Assess
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:app\/one-[A-Za-z0-9]{6}$/,
    );
    const byArn = await h.client.send(new DescribeSecretCommand({ SecretId: created.ARN }));
    const byName = await h.client.send(new DescribeSecretCommand({ SecretId: 'app/one' }));
    expect({ ...byArn, $metadata: undefined }).toEqual({ ...byName, $metadata: undefined });
    expect(byName).toMatchObject({
      Name: 'app/one',
      Description: 'first',
      Tags: [{ Key: 'team', Value: 'id' }],
      VersionIdsToStages: { [created.VersionId as string]: ['AWSCURRENT'] },
      CreatedDate: START,
      LastChangedDate: START,
    });
    expect(byName.RotationEnabled).toBeUndefined();
  });

  it('ignores a repeated CreateSecret with the same token and value, and refuses any other repeat', async () => {
    // Prepare
    const token = newToken();
    const first = await h.client.send(
      new CreateSecretCommand({ Name: 'app/repeat', SecretString: 'v', ClientRequestToken: token }),
    );
    // Act
    const repeat = await h.client.send(
      new CreateSecretCommand({ Name: 'app/repeat', SecretString: 'v', ClientRequestToken: token }),
    );
    const other = await errorOf(
      h.client.send(new CreateSecretCommand({ Name: 'app/repeat', SecretString: 'other' })),
    );
    // Assess
    expect(repeat.ARN).toBe(first.ARN);
    expect(other.name).toBe('ResourceExistsException');
  });

  it('creates a secret without SecretString with no version at all', async () => {
    // Act
    await h.client.send(new CreateSecretCommand({ Name: 'app/empty' }));
    // Assess
    const error = await errorOf(
      h.client.send(new GetSecretValueCommand({ SecretId: 'app/empty' })),
    );
    expect(error.name).toBe('ResourceNotFoundException');
    expect(h.sm.inspect('app/empty').versions).toEqual([]);
  });

  it('reports NextRotationDate from the last rotation plus a rate in hours', async () => {
    // Prepare
    await h.client.send(new CreateSecretCommand({ Name: 'app/scheduled', SecretString: 'v' }));
    // Act
    await h.client.send(
      new RotateSecretCommand({
        SecretId: 'app/scheduled',
        RotationLambdaARN: FUNCTION_ARN,
        RotationRules: { ScheduleExpression: 'rate(6 hours)', Duration: '2h' },
        RotateImmediately: false,
      }),
    );
    // Assess
    const described = await h.client.send(new DescribeSecretCommand({ SecretId: 'app/scheduled' }));
    expect(described).toMatchObject({
      RotationEnabled: true,
      RotationLambdaARN: FUNCTION_ARN,
      RotationRules: { ScheduleExpression: 'rate(6 hours)', Duration: '2h' },
      NextRotationDate: new Date(START.getTime() + 6 * HOUR_MS),
    });
    expect(described.LastRotatedDate).toBeUndefined();
  });

  it('refuses RotationRules with a rate under four hours', async () => {
    // Prepare
    await h.client.send(new CreateSecretCommand({ Name: 'app/too-often', SecretString: 'v' }));
    // Act
    const error = await errorOf(
      h.client.send(
        new RotateSecretCommand({
          SecretId: 'app/too-often',
          RotationLambdaARN: FUNCTION_ARN,
          RotationRules: { ScheduleExpression: 'rate(3 hours)' },
          RotateImmediately: false,
        }),
      ),
    );
    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect(h.sm.inspect('app/too-often').rotation.enabled).toBeUndefined();
  });
});

describe('DeleteSecret, RestoreSecret and tags', () => {
  it('hides a deleted secret, refuses to read it, and restores it', async () => {
    // Prepare
    await h.client.send(new CreateSecretCommand({ Name: 'gone/soon', SecretString: 'v' }));
    // Act
    const deleted = await h.client.send(
      new DeleteSecretCommand({ SecretId: 'gone/soon', RecoveryWindowInDays: 7 }),
    );
    const read = await errorOf(h.client.send(new GetSecretValueCommand({ SecretId: 'gone/soon' })));
    const listed = await h.client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['gone/'] }] }),
    );
    const listedWithDeleted = await h.client.send(
      new ListSecretsCommand({
        Filters: [{ Key: 'name', Values: ['gone/'] }],
        IncludePlannedDeletion: true,
      }),
    );
    await h.client.send(new RestoreSecretCommand({ SecretId: 'gone/soon' }));
    // Assess
    expect(deleted.DeletionDate).toEqual(new Date(clock.now().getTime() + 7 * 24 * HOUR_MS));
    expect(read.name).toBe('InvalidRequestException');
    expect(listed.SecretList).toEqual([]);
    expect(listedWithDeleted.SecretList?.map((s) => s.Name)).toEqual(['gone/soon']);
    const value = await h.client.send(new GetSecretValueCommand({ SecretId: 'gone/soon' }));
    expect(value.SecretString).toBe('v');
  });

  it('purges a deleted secret once the clock passes its recovery window', async () => {
    // Prepare
    await h.client.send(new CreateSecretCommand({ Name: 'gone/for-good', SecretString: 'v' }));
    await h.client.send(
      new DeleteSecretCommand({ SecretId: 'gone/for-good', RecoveryWindowInDays: 7 }),
    );
    // Act
    clock.advance(7 * 24 * HOUR_MS);
    const error = await errorOf(
      h.client.send(new DescribeSecretCommand({ SecretId: 'gone/for-good' })),
    );
    // Assess
    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('refuses RecoveryWindowInDays together with ForceDeleteWithoutRecovery', async () => {
    // Prepare
    await h.client.send(new CreateSecretCommand({ Name: 'gone/both', SecretString: 'v' }));
    // Act
    const error = await errorOf(
      h.client.send(
        new DeleteSecretCommand({
          SecretId: 'gone/both',
          RecoveryWindowInDays: 7,
          ForceDeleteWithoutRecovery: true,
        }),
      ),
    );
    // Assess
    expect(error.name).toBe('InvalidParameterException');
  });

  it('adds, replaces and removes tags', async () => {
    // Prepare
    await h.client.send(
      new CreateSecretCommand({
        Name: 'tagged',
        SecretString: 'v',
        Tags: [{ Key: 'a', Value: '1' }],
      }),
    );
    // Act
    await h.client.send(
      new TagResourceCommand({
        SecretId: 'tagged',
        Tags: [
          { Key: 'a', Value: '2' },
          { Key: 'b', Value: '3' },
        ],
      }),
    );
    await h.client.send(new UntagResourceCommand({ SecretId: 'tagged', TagKeys: ['b'] }));
    // Assess
    expect(h.sm.inspect('tagged').tags).toEqual({ a: '2' });
  });
});
