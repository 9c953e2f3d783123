import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { gate, rotationHelpers, templateRotation, useHarness } from './secrets-manager.harness.ts';

const TIMEOUT_MS = 1000;
const h = useHarness({ rotation: { maxAttempts: 3, retryDelayMs: 0, timeoutMs: TIMEOUT_MS } });
const { rotatable, rotate, stepsOf, eventsOf } = rotationHelpers(h);

describe('rotation invocations, failures and retries', () => {
  it('passes a Lambda-like context whose remaining time counts down from the timeout', async () => {
    // Prepare
    const { name, fn } = await rotatable();
    const contexts: Array<Context & { remaining: number }> = [];
    const template = templateRotation(h.client);
    h.sm.registerFunction(fn, async (event, context) => {
      contexts.push({ ...context, remaining: context.getRemainingTimeInMillis() });
      return template(event, context);
    });
    // Act
    const { VersionId } = await rotate(name, fn);
    await h.sm.waitForRotation(name, VersionId);
    // Assess
    expect(contexts).toHaveLength(4);
    expect(new Set(contexts.map((c) => c.awsRequestId)).size).toBe(4);
    for (const context of contexts) {
      expect(context).toMatchObject({
        functionName: fn.split(':').at(-1),
        invokedFunctionArn: fn,
        functionVersion: '$LATEST',
        logGroupName: `/aws/lambda/${fn.split(':').at(-1)}`,
      });
      expect(context.remaining).toBeGreaterThan(0);
      expect(context.remaining).toBeLessThanOrEqual(TIMEOUT_MS);
      expect(() => context.succeed('x')).toThrow(/return a promise/);
    }
  });

  it('retries the whole sequence from createSecret with the same token after a failing step', async () => {
    // Prepare
    const { name, arn, fn } = await rotatable();
    let failures = 1;
    h.sm.registerFunction(
      fn,
      templateRotation(h.client, {
        setSecret: () => {
          if (failures-- > 0)
            throw Object.assign(new Error('stytch answered 503'), {
              name: 'StytchUnavailableError',
            });
        },
      }),
    );
    // Act
    const { VersionId } = await rotate(name, fn);
    const outcome = await h.sm.waitForRotation(name, VersionId);
    // Assess
    expect(outcome).toEqual({ outcome: 'succeeded', attempts: 2 });
    expect(stepsOf(arn)).toEqual([
      '1:createSecret:ok',
      '1:setSecret:StytchUnavailableError',
      '2:createSecret:ok',
      '2:setSecret:ok',
      '2:testSecret:ok',
      '2:finishSecret:ok',
    ]);
    expect(
      new Set(h.sm.invocations.filter((i) => i.secretArn === arn).map((i) => i.token)).size,
    ).toBe(1);
  });

  it('records RotationFailed with the failed step error after the last attempt', async () => {
    // Prepare
    const { name, arn, fn } = await rotatable();
    const rejected = Object.assign(new Error('rotate_start refused for client m2m-client-test'), {
      name: 'StytchRejectedError',
    });
    h.sm.registerFunction(
      fn,
      templateRotation(h.client, {
        setSecret: () => {
          throw rejected;
        },
      }),
    );
    // Act
    const { VersionId } = await rotate(name, fn);
    const outcome = await h.sm.waitForRotation(name, VersionId);
    // Assess
    expect(outcome).toEqual({
      outcome: 'failed',
      attempts: 3,
      lastError: { name: 'StytchRejectedError', message: rejected.message },
    });
    expect(eventsOf(arn)).toEqual(['RotationStarted', 'RotationFailed']);
    expect(h.sm.events.findLast((e) => e.secretArn === arn)).toMatchObject({
      type: 'RotationFailed',
      versionId: VersionId,
      attempt: 3,
      errorMessage: `StytchRejectedError: ${rejected.message}`,
    });
    expect(stepsOf(arn)).toHaveLength(6);
  });

  it('counts a step that outlives the timeout as a failed step', async () => {
    // Prepare
    const { name, arn, fn } = await rotatable();
    const hung = gate();
    h.releaseAtEnd(hung.release);
    let first = true;
    h.sm.registerFunction(
      fn,
      templateRotation(h.client, {
        testSecret: () => {
          if (!first) return;
          first = false;
          return hung.wait();
        },
      }),
    );
    // Act
    const { VersionId } = await rotate(name, fn);
    const outcome = await h.sm.waitForRotation(name, VersionId);
    // Assess
    expect(outcome).toEqual({ outcome: 'succeeded', attempts: 2 });
    expect(stepsOf(arn)[2]).toBe('1:testSecret:Sandbox.Timedout');
    expect(h.sm.invocations.find((i) => i.secretArn === arn && !i.ok)?.errorMessage).toBe(
      'Task timed out after 1.00 seconds',
    );
  });
});
