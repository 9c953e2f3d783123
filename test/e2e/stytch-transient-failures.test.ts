/**
 * Stytch answering 5xx or 429 to each call a rotation makes. The client repeats what is safe to
 * repeat, so the rotation still succeeds in one attempt; rotate_start after a 5xx may have started a
 * rotation, so it is not repeated and the rotation converges on Secrets Manager's retry instead;
 * rotate and rotate_cancel after a 5xx are repeated by the step only after re-reading Stytch's state.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../unit/helpers/recording-log.ts';
import { type ManagedClient, RotationWorld } from './rotation-world.ts';

const KINDS = [
  { kind: 'connected_app', prefix: 'connected_apps' },
  { kind: 'm2m', prefix: 'm2m' },
] as const;

/** Every call of a rotation, as the function's log names it. */
const OPERATIONS = ['get', 'rotate_start', 'rotate', 'rotate_cancel', 'token'] as const;
type Operation = (typeof OPERATIONS)[number];

const STATUSES = [500, 502, 503, 429] as const;

const CASES = OPERATIONS.flatMap((operation) => STATUSES.map((status) => ({ operation, status })));

/** The name the local Stytch gives `operation` in its request log and fault rules. */
function serverOperation(prefix: string, operation: Operation): string {
  return operation === 'token' ? 'oauth2.token' : `${prefix}.${operation}`;
}

describe.each(KINDS)('$kind', ({ kind, prefix }) => {
  function startWorld(): Promise<RotationWorld> {
    return RotationWorld.start({ completionDelaySeconds: 0, maxAttempts: 3 });
  }

  /** A new client, with a foreign rotation open when the case needs a rotate_cancel. */
  async function prepareClient(world: RotationWorld, operation: Operation) {
    const client = await world.addClient(kind);
    if (operation === 'rotate_cancel') {
      world.knownSecrets.push(world.cloud.stytch.startRotation(client.clientId));
    }
    return client;
  }

  /** The server's log of `operation` since `mark`, as `status[/fault]`. */
  function callsOf(world: RotationWorld, operation: Operation, mark: number): string[] {
    return world.cloud.stytch.requestLog
      .slice(mark)
      .filter((entry) => entry.operation === serverOperation(prefix, operation))
      .map((entry) => (entry.fault ? `${entry.status}/${entry.fault}` : `${entry.status}`));
  }

  /** The function's log lines for attempts of `operation` on `client` answered with `status`. */
  function attemptLines(
    world: RotationWorld,
    client: ManagedClient,
    operation: Operation,
    status: number,
  ): LogLine[] {
    return world.log.lines.filter(
      (line) =>
        line.attributes.client_id === client.clientId &&
        line.attributes.operation === operation &&
        line.attributes.status === status,
    );
  }

  function expectRotated(world: RotationWorld, client: ManagedClient): void {
    const current = world.secretAt(client.secretArn, 'AWSCURRENT') ?? '';
    expect(world.cloud.stytch.isValidSecret(client.clientId, current)).toBe(true);
    expect(world.cloud.stytch.isValidSecret(client.clientId, client.originalSecret)).toBe(false);
    world.expectInvariants(client);
    world.expectNoSecretsLogged();
  }

  describe('without Retry-After', () => {
    // One world for all cases (each with a client of its own and freshly counted faults), since
    // starting a world costs more than a rotation.
    let world: RotationWorld;

    beforeAll(async () => {
      world = await startWorld();
    });

    afterEach(() => {
      world.expectNoSecretsLogged();
    });

    afterAll(async () => {
      await world.close();
    });

    it.each(CASES)('survives HTTP $status on $operation', async ({ operation, status }) => {
      // Prepare
      const client = await prepareClient(world, operation);
      world.cloud.stytch.faults.clear();
      world.cloud.stytch.faults.add({
        operation: serverOperation(prefix, operation),
        action: { kind: 'status', status },
      });
      const mark = world.cloud.stytch.requestLog.length;
      const invocationMark = world.cloud.secretsManager.invocations.length;

      // Act
      const outcome = await world.rotate(client.secretArn);

      // Assess
      const calls = callsOf(world, operation, mark);
      expect(calls[0]).toBe(`${status}/status`);
      expect(calls.length).toBeGreaterThan(1);
      expect(calls[1]).not.toContain('/');
      const [failedAttempt] = attemptLines(world, client, operation, status);
      if (operation === 'rotate_start' && status !== 429) {
        // Not repeated by the client: the retry is Secrets Manager's second attempt.
        expect(outcome).toMatchObject({ outcome: 'succeeded', attempts: 2 });
        expect(failedAttempt?.attributes.outcome).toBe('failed');
        expect(world.cloud.secretsManager.invocations[invocationMark]).toMatchObject({
          step: 'createSecret',
          attempt: 1,
          ok: false,
          errorName: 'StytchApiError',
        });
      } else if ((operation === 'rotate' || operation === 'rotate_cancel') && status !== 429) {
        // Not repeated by the client either: the step re-reads Stytch's state, finds the same next
        // secret, and only then repeats the call, within the same attempt.
        expect(outcome).toMatchObject({ outcome: 'succeeded', attempts: 1 });
        expect(failedAttempt?.attributes.outcome).toBe('failed');
        const afterFailure = world.log.lines.slice(
          world.log.lines.indexOf(failedAttempt as LogLine),
        );
        expect(afterFailure[1]?.attributes.operation).toBe('get');
      } else {
        expect(outcome).toMatchObject({ outcome: 'succeeded', attempts: 1 });
        expect(failedAttempt?.attributes.outcome).toBe('retry');
      }
      expectRotated(world, client);
    });
  });

  describe('with Retry-After', () => {
    // Each case waits the 1 s Stytch asks for, so the cases run side by side, a world each.
    it.concurrent.each(OPERATIONS)(
      'waits as long as a 429 on %s asks, then succeeds in one attempt',
      async (operation) => {
        // Prepare
        const world = await startWorld();
        try {
          const client = await prepareClient(world, operation);
          world.cloud.stytch.faults.add({
            operation: serverOperation(prefix, operation),
            action: { kind: 'status', status: 429, retryAfterSeconds: 1 },
          });

          // Act
          const outcome = await world.rotate(client.secretArn);

          // Assess
          expect(outcome).toMatchObject({ outcome: 'succeeded', attempts: 1 });
          const [limited] = attemptLines(world, client, operation, 429);
          expect(limited?.attributes).toMatchObject({ outcome: 'retry' });
          expect(limited?.attributes.retry_in_ms).toBeGreaterThanOrEqual(1000);
          expect(callsOf(world, operation, 0).slice(0, 2)).toEqual([
            '429/status',
            expect.any(String),
          ]);
          expectRotated(world, client);
        } finally {
          await world.close();
        }
      },
    );

    it('does not wait out a Retry-After beyond its limit; Secrets Manager’s retry converges', async () => {
      // Prepare
      const world = await startWorld();
      try {
        const client = await prepareClient(world, 'get');
        world.cloud.stytch.faults.add({
          operation: serverOperation(prefix, 'get'),
          action: { kind: 'status', status: 429, retryAfterSeconds: 3600 },
        });

        // Act
        const outcome = await world.rotate(client.secretArn);

        // Assess
        expect(outcome).toMatchObject({ outcome: 'succeeded', attempts: 2 });
        const [limited] = attemptLines(world, client, 'get', 429);
        expect(limited?.attributes).toMatchObject({ outcome: 'failed' });
        expect(limited?.attributes.retry_in_ms).toBeUndefined();
        expectRotated(world, client);
      } finally {
        await world.close();
      }
    });
  });
});

describe('a rotation under Stytch rate limiting', () => {
  let world: RotationWorld;

  beforeEach(async () => {
    world = await RotationWorld.start({ completionDelaySeconds: 0 });
  });

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  it('repeats rotate_start after a 429, which provably had no effect, within the attempt', async () => {
    // Prepare
    const client = await world.addClient('connected_app');
    world.cloud.stytch.faults.add({
      operation: 'connected_apps.rotate_start',
      times: 2,
      action: { kind: 'status', status: 429 },
    });

    // Act
    const outcome = await world.rotate(client.secretArn);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'succeeded', attempts: 1 });
    const starts = world.cloud.stytch.requestLog
      .filter((entry) => entry.operation === 'connected_apps.rotate_start')
      .map((entry) => entry.status);
    expect(starts).toEqual([429, 429, 200]);
    // Nothing was started by the refused calls, so nothing had to be cancelled.
    expect(
      world.cloud.stytch.requestLog.filter((e) => e.operation.endsWith('rotate_cancel')),
    ).toEqual([]);
    world.expectInvariants(client);
  });
});
