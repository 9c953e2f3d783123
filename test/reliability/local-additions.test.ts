/**
 * The two local-cloud features this suite added: the 'slow-headers' fault (effect now, answer late)
 * and the rotation driver's concurrency bound (reserved concurrency).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startSecretsManager } from '../../local/secrets-manager/index.ts';
import { InvocationSlots } from '../../local/secrets-manager/invoke-step.ts';
import { basicAuthorization, startStytch } from '../../local/stytch/index.ts';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:slots';

describe("the local Stytch's slow-headers fault", () => {
  it('applies the effect at once and answers only after the hold, or not at all to a client that gave up', async () => {
    // Prepare
    const stytch = await startStytch();
    const project = stytch.createProject();
    const { clientId } = stytch.createClient(project.projectId, { kind: 'm2m' });
    const path = `/v1/m2m/clients/${encodeURIComponent(clientId)}/secrets/rotate`;
    const send = (suffix: string, signal?: AbortSignal) =>
      request(`${stytch.url}${path}${suffix}`, {
        method: 'POST',
        headers: {
          authorization: basicAuthorization(project.projectId, project.secret),
          'content-type': 'application/json',
        },
        body: '{}',
        ...(signal ? { signal } : {}),
      });
    stytch.faults.add({ operation: 'm2m.rotate_start', action: { kind: 'slow-headers', ms: 400 } });
    stytch.faults.add({
      operation: 'm2m.rotate_cancel',
      action: { kind: 'slow-headers', ms: 200 },
    });

    try {
      // Act: the client gives up as soon as the effect shows (not after a fixed time, which a
      // loaded machine could outlast before the request even arrived), well before the 400 ms hold.
      const giveUp = new AbortController();
      const answer = send('/start', giveUp.signal).then(
        () => 'answered',
        (error: Error) => error.name,
      );
      for (let i = 0; i < 1_000 && stytch.clientState(clientId).nextLastFour === null; i++) {
        await sleep(2);
      }
      const startedBeforeAnswer = stytch.clientState(clientId).nextLastFour !== null;
      giveUp.abort(new DOMException('the client gave up', 'TimeoutError'));
      const gaveUp = await answer;
      const waited = await send('/cancel');
      await waited.body.dump();
      for (let i = 0; i < 100 && stytch.requestLog.length < 2; i++) await sleep(20);

      // Assess
      expect(gaveUp).toBe('TimeoutError');
      expect(startedBeforeAnswer).toBe(true);
      expect(waited.statusCode).toBe(200);
      expect(stytch.clientState(clientId).nextLastFour).toBeNull();
      expect(stytch.requestLog.map((e) => [e.operation, e.status, e.fault])).toEqual([
        ['m2m.rotate_cancel', 200, 'slow-headers'],
        ['m2m.rotate_start', 0, 'slow-headers'],
      ]);
    } finally {
      await stytch.close();
    }
  });
});

describe('the local Secrets Manager with a concurrency bound', () => {
  it('never runs more rotation-function invocations at once than the bound, and runs them all', async () => {
    // Prepare
    const sm = await startSecretsManager({ rotation: { concurrency: 2 } });
    const client = new SecretsManagerClient({
      endpoint: sm.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let running = 0;
    let mostAtOnce = 0;
    sm.registerFunction(FUNCTION_ARN, async () => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(10);
      running -= 1;
    });
    try {
      const arns = await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          const created = await client.send(
            new CreateSecretCommand({ Name: `slots-${i}`, SecretString: '{}' }),
          );
          return created.ARN ?? '';
        }),
      );

      // Act
      await Promise.all(
        arns.map((arn) =>
          client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION_ARN })),
        ),
      );
      const outcomes = await Promise.all(arns.map((arn) => sm.waitForRotation(arn)));

      // Assess
      expect(outcomes.map((o) => o.outcome)).toEqual(Array(6).fill('succeeded'));
      expect(sm.invocations).toHaveLength(24);
      expect(mostAtOnce).toBe(2);
    } finally {
      client.destroy();
      await sm.close();
    }
  });

  it('refuses a bound below one', () => {
    // Act / Assess
    expect(() => new InvocationSlots(0)).toThrow('concurrency must be at least 1, got 0');
  });
});
