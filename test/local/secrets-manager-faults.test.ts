import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorOf, templateRotation, useHarness } from './secrets-manager.harness.ts';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:faults';
const h = useHarness();
beforeAll(async () => {
  h.sm.registerFunction(FN, templateRotation(h.client));
  await h.client.send(new CreateSecretCommand({ Name: 'faulty', SecretString: 'v1' }));
});
beforeEach(() => h.sm.faults.clear());

/** The request log entries written while `act` runs. */
async function logged<T>(act: () => Promise<T>) {
  const before = h.sm.requestLog.length;
  const result = await act();
  return {
    result,
    entries: h.sm.requestLog
      .slice(before)
      .map(({ operation, status, fault }) => ({ operation, status, fault })),
  };
}

describe('injected faults', () => {
  it('lets the SDK retry an injected 500, which the request log shows', async () => {
    // Prepare
    h.sm.faults.add({ operation: 'GetSecretValue', action: { kind: 'status', status: 500 } });
    // Act
    const { result, entries } = await logged(() =>
      h.client.send(new GetSecretValueCommand({ SecretId: 'faulty' })),
    );
    // Assess
    expect(result.$metadata.attempts).toBe(2);
    expect(entries).toEqual([
      { operation: 'GetSecretValue', status: 500, fault: 'status' },
      { operation: 'GetSecretValue', status: 200, fault: undefined },
    ]);
  });

  it('surfaces InternalServiceError as a server fault when every attempt gets a 500', async () => {
    // Prepare
    h.sm.faults.add({
      operation: 'GetSecretValue',
      times: 3,
      action: { kind: 'status', status: 500 },
    });
    // Act
    const error = await errorOf(h.client.send(new GetSecretValueCommand({ SecretId: 'faulty' })));
    // Assess
    expect(error.name).toBe('InternalServiceError');
    expect(error.$fault).toBe('server');
  });

  it('lets the SDK recognise an injected ThrottlingException as throttling and retry it', async () => {
    // Prepare
    h.sm.faults.add({
      operation: 'GetSecretValue',
      action: { kind: 'status', status: 400, errorType: 'ThrottlingException' },
    });
    // Act
    const { result, entries } = await logged(() =>
      h.client.send(new GetSecretValueCommand({ SecretId: 'faulty' })),
    );
    // Assess
    expect(result.SecretString).toBe('v1');
    expect(entries.map((e) => e.status)).toEqual([400, 200]);
  });

  it('answers a rate-limited call with a 429 ThrottlingException', async () => {
    // Prepare
    const noRetry = new SecretsManagerClient({ maxAttempts: 1 });
    h.sm.faults.setRateLimit({ perSecond: 0.001, burst: 1 });
    await noRetry.send(new GetSecretValueCommand({ SecretId: 'faulty' }));
    // Act
    const error = await errorOf(noRetry.send(new GetSecretValueCommand({ SecretId: 'faulty' })));
    // Assess
    expect(error.name).toBe('ThrottlingException');
    expect(
      (error as Error & { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode,
    ).toBe(429);
    noRetry.destroy();
  });

  it('applies a PutSecretValue whose response is lost, and the SDK retry with the same token succeeds', async () => {
    // Prepare
    h.sm.faults.add({ operation: 'PutSecretValue', action: { kind: 'lost-response' } });
    const versionsBefore = h.sm.inspect('faulty').versions.length;
    // Act
    const { result, entries } = await logged(() =>
      h.client.send(
        new PutSecretValueCommand({ SecretId: 'faulty', SecretString: 'after-lost-response' }),
      ),
    );
    // Assess
    expect(entries).toEqual([
      { operation: 'PutSecretValue', status: 0, fault: 'lost-response' },
      { operation: 'PutSecretValue', status: 200, fault: undefined },
    ]);
    const versions = h.sm.inspect('faulty').versions;
    expect(versions).toHaveLength(versionsBefore + 1);
    expect(versions.at(-1)).toMatchObject({ versionId: result.VersionId, stages: ['AWSCURRENT'] });
  });

  it('has no effect when the connection is reset, and the SDK retry applies the call once', async () => {
    // Prepare
    h.sm.faults.add({ operation: 'PutSecretValue', action: { kind: 'reset' } });
    const versionsBefore = h.sm.inspect('faulty').versions.length;
    // Act
    const { entries } = await logged(() =>
      h.client.send(new PutSecretValueCommand({ SecretId: 'faulty', SecretString: 'after-reset' })),
    );
    // Assess
    expect(entries.map((e) => e.fault)).toEqual(['reset', undefined]);
    expect(h.sm.inspect('faulty').versions).toHaveLength(versionsBefore + 1);
  });

  it('delays the answer by the injected latency without changing it', async () => {
    // Prepare
    h.sm.faults.add({ operation: 'GetSecretValue', action: { kind: 'latency', ms: 100 } });
    // Act
    const { result, entries } = await logged(() =>
      h.client.send(new GetSecretValueCommand({ SecretId: 'faulty' })),
    );
    // Assess
    expect(result.$metadata.attempts).toBe(1);
    expect(entries).toEqual([{ operation: 'GetSecretValue', status: 200, fault: 'latency' }]);
    // A lower bound only: the sleep guarantees it, however slow the machine is.
    expect(h.sm.requestLog.at(-1)?.durationMs).toBeGreaterThanOrEqual(95);
  });

  it('starts one rotation only when a lost RotateSecret response is retried by the SDK', async () => {
    // Prepare
    h.sm.faults.add({ operation: 'RotateSecret', action: { kind: 'lost-response' } });
    // Act
    const answer = await h.client.send(
      new RotateSecretCommand({
        SecretId: 'faulty',
        RotationLambdaARN: FN,
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    const outcome = await h.sm.waitForRotation('faulty', answer.VersionId);
    await h.sm.idle();
    // Assess
    expect(answer.$metadata.attempts).toBe(2);
    expect(outcome.outcome).toBe('succeeded');
    expect(h.sm.events.filter((e) => e.type === 'RotationStarted')).toHaveLength(1);
    expect(h.sm.invocations.filter((i) => i.step === 'createSecret')).toHaveLength(1);
  });
});
