import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  RotateSecretCommand,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../local/manual-clock.ts';
import {
  errorOf,
  gate,
  newToken,
  rotatedValue,
  rotationHelpers,
  templateRotation,
  useHarness,
} from './secrets-manager.harness.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const clock = new ManualClock(new Date('2026-05-01T00:00:00Z'));
const h = useHarness({ clock, rotation: { maxAttempts: 3, retryDelayMs: 0, timeoutMs: 5_000 } });
const { rotatable, rotate, stepsOf, eventsOf } = rotationHelpers(h);

describe('RotateSecret', () => {
  it('invokes createSecret, setSecret, testSecret and finishSecret in order with the same token', async () => {
    // Prepare
    const { name, arn, fn } = await rotatable();
    h.sm.registerFunction(fn, templateRotation(h.client));
    // Act
    const { VersionId: token } = await rotate(name, fn);
    const outcome = await h.sm.waitForRotation(name, token);
    // Assess
    expect(outcome).toEqual({ outcome: 'succeeded', attempts: 1 });
    const invocations = h.sm.invocations.filter((i) => i.secretArn === arn);
    expect(invocations.map((i) => i.step)).toEqual([
      'createSecret',
      'setSecret',
      'testSecret',
      'finishSecret',
    ]);
    expect(new Set(invocations.map((i) => i.token))).toEqual(new Set([token]));
    const current = await h.client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(current.SecretString === rotatedValue(token as string)).toBe(true);
    expect(
      h.sm.inspect(name).versions.find((v) => v.versionId === token)?.rotationToken,
    ).toBeDefined();
    expect(eventsOf(arn)).toEqual(['RotationStarted', 'RotationSucceeded']);
  });

  it('sets LastRotatedDate from the clock and NextRotationDate from the rules when it succeeds', async () => {
    // Prepare
    const { name, fn } = await rotatable();
    h.sm.registerFunction(fn, templateRotation(h.client));
    clock.advance(DAY_MS);
    // Act
    const { VersionId } = await rotate(name, fn);
    await h.sm.waitForRotation(name, VersionId);
    // Assess
    const described = await h.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.LastRotatedDate).toEqual(clock.now());
    expect(described.NextRotationDate).toEqual(new Date(clock.now().getTime() + 30 * DAY_MS));
  });

  it('lists a rotated secret with its tags, labels and rotation dates, as DescribeSecret has them', async () => {
    // Prepare: the reconcile decides from this listing alone
    const { name, fn } = await rotatable();
    h.sm.registerFunction(fn, templateRotation(h.client));
    await h.client.send(
      new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'listed-tag', Value: 'yes' }] }),
    );
    const { VersionId } = await rotate(name, fn);
    await h.sm.waitForRotation(name, VersionId);

    // Act
    const described = await h.client.send(new DescribeSecretCommand({ SecretId: name }));
    const listed = await h.client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }),
    );

    // Assess
    const entry = listed.SecretList?.find((s) => s.Name === name);
    expect(entry?.Tags).toEqual(described.Tags);
    expect(entry?.Tags).toContainEqual({ Key: 'listed-tag', Value: 'yes' });
    expect(entry?.SecretVersionsToStages).toEqual(described.VersionIdsToStages);
    expect(
      Object.values(entry?.SecretVersionsToStages ?? {})
        .flat()
        .sort(),
    ).toEqual(['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS']);
    expect(entry?.LastRotatedDate).toEqual(described.LastRotatedDate);
    expect(entry?.NextRotationDate).toEqual(described.NextRotationDate);
    expect(entry?.LastRotatedDate).toBeDefined();
  });

  it('refuses a second rotation while AWSPENDING sits on a version other than AWSCURRENT', async () => {
    // Prepare
    const { name, fn } = await rotatable();
    const blocked = gate();
    h.releaseAtEnd(blocked.release);
    h.sm.registerFunction(fn, templateRotation(h.client, { setSecret: () => blocked.wait() }));
    const { VersionId: first } = await rotate(name, fn);
    // Act
    const refused = await errorOf(rotate(name, fn));
    blocked.release();
    const firstOutcome = await h.sm.waitForRotation(name, first);
    const { VersionId: later } = await rotate(name, fn);
    // Assess
    expect(refused.name).toBe('InvalidRequestException');
    expect(refused.message).toMatch(/previous rotation isn't complete/);
    expect(firstOutcome.outcome).toBe('succeeded');
    expect((await h.sm.waitForRotation(name, later)).outcome).toBe('succeeded');
  });

  it('re-runs a failed rotation when called again with the pending version id as token', async () => {
    // Prepare
    const { name, arn, fn } = await rotatable();
    let broken = true;
    h.sm.registerFunction(
      fn,
      templateRotation(h.client, {
        createSecret: () => {
          if (broken) throw new Error('credentials parameter unreadable');
        },
      }),
    );
    const token = newToken();
    await rotate(name, fn, token);
    await h.sm.waitForRotation(name, token);
    broken = false;
    // Act
    const otherToken = await errorOf(rotate(name, fn));
    const rerun = await rotate(name, fn, token);
    const outcome = await h.sm.waitForRotation(name, token);
    // Assess
    expect(otherToken.name).toBe('InvalidRequestException');
    expect(rerun.VersionId).toBe(token);
    expect(outcome).toEqual({ outcome: 'succeeded', attempts: 1 });
    expect(eventsOf(arn)).toEqual([
      'RotationStarted',
      'RotationFailed',
      'RotationStarted',
      'RotationSucceeded',
    ]);
    expect(h.sm.inspect(name).versions.find((v) => v.versionId === token)?.stages).toContain(
      'AWSCURRENT',
    );
  });

  it('fails with InvalidRequestException when no rotation function is configured', async () => {
    // Prepare
    const { name } = await rotatable();
    // Act
    const error = await errorOf(h.client.send(new RotateSecretCommand({ SecretId: name })));
    // Assess
    expect(error.name).toBe('InvalidRequestException');
    expect(h.sm.inspect(name).versions).toHaveLength(1);
  });

  it('fails with AccessDeniedException for a function nothing is registered under', async () => {
    // Prepare
    const { name, fn } = await rotatable();
    // Act
    const error = await errorOf(rotate(name, fn));
    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(h.sm.inspect(name).rotation.enabled).toBeUndefined();
  });

  it('stores the configuration and runs only testSecret, on an empty AWSPENDING version it removes again, when RotateImmediately is false', async () => {
    // Prepare
    const { name, arn, fn } = await rotatable();
    h.sm.registerFunction(fn, templateRotation(h.client));
    // Act
    const answer = await h.client.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: fn,
        RotationRules: { AutomaticallyAfterDays: 7 },
        RotateImmediately: false,
      }),
    );
    // Assess
    expect(answer.VersionId).toBeUndefined();
    expect(h.sm.inspect(name).rotation).toEqual({
      enabled: true,
      lambdaArn: fn,
      rules: { automaticallyAfterDays: 7 },
    });
    expect(h.sm.inspect(name).versions).toHaveLength(1);
    // AWS's template testSecret reads the pending value, which the test version does not have.
    expect(stepsOf(arn)).toEqual(['1:testSecret:ResourceNotFoundException']);
    expect(eventsOf(arn)).toEqual([]);
  });

  it('lets the configuration test see AWSPENDING on an empty version, then removes it', async () => {
    // Prepare
    const { name, arn, fn } = await rotatable();
    const seen: string[] = [];
    h.sm.registerFunction(fn, async (event) => {
      const described = await h.client.send(new DescribeSecretCommand({ SecretId: arn }));
      seen.push(
        `${event.Step} ${JSON.stringify(described.VersionIdsToStages?.[event.ClientRequestToken])}`,
      );
    });
    // Act
    await h.client.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: fn,
        RotationRules: { AutomaticallyAfterDays: 7 },
        RotateImmediately: false,
        ClientRequestToken: 'c0nf1g00-0000-4000-8000-000000000001',
      }),
    );
    // Assess
    expect(seen).toEqual(['testSecret ["AWSPENDING"]']);
    expect(stepsOf(arn)).toEqual(['1:testSecret:ok']);
    const after = await h.client.send(new DescribeSecretCommand({ SecretId: arn }));
    expect(Object.values(after.VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']]);
  });
});
