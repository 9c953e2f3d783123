import { CancelRotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../local/manual-clock.ts';
import type { RotationEventRecord } from '../../local/secrets-manager/index.ts';
import { gate, rotationHelpers, templateRotation, useHarness } from './secrets-manager.harness.ts';

const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
const h = useHarness({ clock, rotation: { timeoutMs: 5_000 } });
const { rotatable, rotate, stepsOf, eventsOf } = rotationHelpers(h);

describe('CancelRotateSecret and rotation events', () => {
  it('turns rotation off, stops after the current step and leaves the labels as they are', async () => {
    // Prepare
    const { name, arn, fn } = await rotatable();
    const entered = gate();
    const blocked = gate();
    h.releaseAtEnd(blocked.release);
    h.sm.registerFunction(
      fn,
      templateRotation(h.client, {
        setSecret: async () => {
          entered.release();
          await blocked.wait();
        },
      }),
    );
    const { VersionId: token } = await rotate(name, fn);
    await entered.wait();
    // Act
    const cancelled = await h.client.send(new CancelRotateSecretCommand({ SecretId: name }));
    blocked.release();
    const outcome = await h.sm.waitForRotation(name, token);
    // Assess
    expect(cancelled.VersionId).toBe(token);
    expect(outcome.outcome).toBe('cancelled');
    // The step in flight finishes (its guard now sees rotation off and fails); nothing runs after it.
    expect(stepsOf(arn)).toEqual(['1:createSecret:ok', '1:setSecret:Error']);
    expect(h.sm.inspect(name).versions.find((v) => v.versionId === token)?.stages).toEqual([
      'AWSPENDING',
    ]);
    expect(h.sm.inspect(name).rotation.enabled).toBe(false);
    expect(eventsOf(arn)).toEqual(['RotationStarted', 'RotationAbandoned']);
  });

  it('delivers each event to subscribers until they unsubscribe', async () => {
    // Prepare
    const { name, arn, fn } = await rotatable();
    h.sm.registerFunction(fn, templateRotation(h.client));
    const received: RotationEventRecord[] = [];
    const unsubscribe = h.sm.onEvent((event) => received.push(event));
    const { VersionId: first } = await rotate(name, fn);
    await h.sm.waitForRotation(name, first);
    // Act
    unsubscribe();
    const { VersionId: second } = await rotate(name, fn);
    await h.sm.waitForRotation(name, second);
    // Assess
    expect(received.map((e) => [e.type, e.secretArn, e.versionId])).toEqual([
      ['RotationStarted', arn, first],
      ['RotationSucceeded', arn, first],
    ]);
    expect(received.every((e) => e.at.getTime() === clock.now().getTime())).toBe(true);
  });
});
