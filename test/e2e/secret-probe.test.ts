/**
 * testSecret against each way Stytch's token endpoint might answer (Stytch's real answer to a
 * Connected App's bogus grant is unconfirmed). The probe must fail closed whenever it cannot tell a
 * good secret from a bad one, keep AWSCURRENT working, and say which setting to change; M2M clients
 * are proven with a real client_credentials grant whatever the Connected App behaviour is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ROTATION_STEPS } from '../../lambda/rotation/event.ts';
import type { RotationOutcome } from '../../local/secrets-manager/index.ts';
import {
  LAMBDA_CONTEXT,
  type ManagedClient,
  RotationWorld,
  type WorldOptions,
} from './rotation-world.ts';

let world: RotationWorld;

async function startWorld(options: WorldOptions = {}): Promise<RotationWorld> {
  world = await RotationWorld.start({ completionDelaySeconds: 0, maxAttempts: 3, ...options });
  return world;
}

afterEach(async () => {
  world.expectNoSecretsLogged();
  await world.close();
});

/** Rotates once, which must succeed, and returns AWSCURRENT's secret. */
async function rotateOnce(client: ManagedClient): Promise<string> {
  expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
  return world.secretAt(client.secretArn, 'AWSCURRENT') ?? '';
}

/**
 * What must hold after a rotation that failed closed: nothing promoted, the old secret works.
 * Secrets are compared as booleans so that a failure message never prints one.
 */
function expectFailedClosed(
  outcome: RotationOutcome,
  client: ManagedClient,
  currentBefore: string | undefined,
  startsBefore: number,
): void {
  expect(outcome.outcome).toBe('failed');
  expect(outcome.lastError?.name).toBe('ProbeUnreliableError');
  const current = world.secretAt(client.secretArn, 'AWSCURRENT');
  expect(current === currentBefore, 'AWSCURRENT is unchanged').toBe(true);
  expect(world.currentAuthenticates(client), 'AWSCURRENT authenticates').toBe(true);
  // Every retry found its pending secret still staged: no second rotate_start, nothing to cancel.
  const mutations = world.cloud.stytch.requestLog
    .slice(startsBefore)
    .filter((entry) => /\.(rotate_start|rotate|rotate_cancel)$/.test(entry.operation))
    .map((entry) => `${entry.operation} ${entry.status}`);
  expect(mutations).toEqual(['connected_apps.rotate_start 200']);
  // The open next secret is the one AWSPENDING holds, so no valid secret is unknown to the store.
  world.expectInvariants(client);
  const message = outcome.lastError?.message ?? '';
  const leaked = world.knownSecrets.filter((secret) => message.includes(secret)).length;
  expect(leaked, 'secrets quoted in the error message').toBe(0);
}

describe('a token endpoint that checks the grant before the client (grant-before-client-auth)', () => {
  it('fails a Connected App rotation closed with ProbeUnreliableError naming STYTCH_TOKEN_URL', async () => {
    // Prepare: rotated once against an RFC 6749 endpoint, then the endpoint changes its answers
    // and a new container must calibrate again.
    await startWorld();
    const client = await world.addClient('connected_app');
    const current = await rotateOnce(client);
    world.cloud.stytch.setTokenEndpointBehaviour('grant-before-client-auth');
    world.handler = world.newHandler();
    const mark = world.cloud.stytch.requestLog.length;

    // Act
    const outcome = await world.rotate(client.secretArn);

    // Assess
    expectFailedClosed(outcome, client, current, mark);
    expect(outcome.attempts).toBe(3);
    expect(outcome.lastError?.message).toContain('instead of invalid_client');
    expect(outcome.lastError?.message).toContain('STYTCH_TOKEN_URL');
  });

  it('still rotates an M2M client, whose test is a real client_credentials grant', async () => {
    // Prepare
    await startWorld({ tokenEndpointBehaviour: 'grant-before-client-auth' });
    const client = await world.addClient('m2m');
    const tokensBefore = world.cloud.stytch.tokensIssued;

    // Act
    const secret = await rotateOnce(client);

    // Assess
    expect(world.cloud.stytch.tokensIssued).toBe(tokensBefore + 1);
    expect(world.cloud.stytch.isValidSecret(client.clientId, secret)).toBe(true);
    world.expectInvariants(client);
  });
});

describe('a token endpoint that answers a bogus refresh token with idp_refresh_token_not_found', () => {
  it('fails closed by default, saying to add the error to STYTCH_PROBE_ACCEPTED_ERRORS', async () => {
    // Prepare
    await startWorld({ tokenEndpointBehaviour: 'native-not-found' });
    const client = await world.addClient('connected_app');
    const mark = world.cloud.stytch.requestLog.length;

    // Act
    const outcome = await world.rotate(client.secretArn);

    // Assess: AWSCURRENT still holds no secret, and the one the client was created with works.
    expectFailedClosed(outcome, client, undefined, mark);
    expect(outcome.lastError?.message).toContain('idp_refresh_token_not_found');
    expect(outcome.lastError?.message).toContain('STYTCH_PROBE_ACCEPTED_ERRORS');
  });

  it('rotates once the error is in STYTCH_PROBE_ACCEPTED_ERRORS', async () => {
    // Prepare
    await startWorld({
      tokenEndpointBehaviour: 'native-not-found',
      env: { STYTCH_PROBE_ACCEPTED_ERRORS: 'invalid_grant,idp_refresh_token_not_found' },
    });
    const client = await world.addClient('connected_app');

    // Act
    const secret = await rotateOnce(client);

    // Assess
    expect(world.cloud.stytch.isValidSecret(client.clientId, secret)).toBe(true);
    expect(world.cloud.stytch.isValidSecret(client.clientId, client.originalSecret)).toBe(false);
    world.expectInvariants(client);
  });
});

describe('a pending secret that Stytch no longer accepts', () => {
  const PROBES = [
    { kind: 'connected_app', behaviour: 'rfc6749', accepted: 'invalid_grant' },
    {
      kind: 'connected_app',
      behaviour: 'native-not-found',
      accepted: 'invalid_grant,idp_refresh_token_not_found',
    },
    { kind: 'm2m', behaviour: 'rfc6749', accepted: 'invalid_grant' },
  ] as const;

  it.each(PROBES)(
    'fails testSecret with SecretTestError for a $kind client ($behaviour)',
    async ({ kind, behaviour, accepted }) => {
      // Prepare: the steps before testSecret succeed, then the rotation is cancelled at Stytch.
      await startWorld({
        tokenEndpointBehaviour: behaviour,
        env: { STYTCH_PROBE_ACCEPTED_ERRORS: accepted },
      });
      const client = await world.addClient(kind);
      const event = await world.recordRotationEvent(client.secretArn);
      for (const step of ROTATION_STEPS.slice(0, 2)) {
        await world.handler({ ...event, Step: step }, LAMBDA_CONTEXT);
      }
      world.cloud.stytch.cancelRotation(client.clientId);

      // Act
      const error = await world.handler({ ...event, Step: 'testSecret' }, LAMBDA_CONTEXT).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );

      // Assess
      expect(error).toMatchObject({ name: 'SecretTestError', code: 'SECRET_TEST_FAILED' });
      const pending = world.versions(client.secretArn).find((v) => v.stages.includes('AWSPENDING'));
      const secret = pending?.value?.client_secret;
      expect(typeof secret).toBe('string');
      world.knownSecrets.push(String(secret));
      const message = (error as Error).message;
      const leaked = world.knownSecrets.filter((known) => message.includes(known)).length;
      expect(leaked, 'secrets quoted in the error message').toBe(0);
      expect(world.cloud.stytch.isValidSecret(client.clientId, client.originalSecret)).toBe(true);
    },
  );
});
