/**
 * Bad events and bad secret values, sent straight to the handler: each is refused with a typed
 * error before any Stytch call that could change a secret, and leaves the store's versions as they
 * were. Every case runs in a cold container so that nothing cached hides the bad input.
 */
import { CancelRotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { ROTATION_STEPS } from '../../lambda/rotation/event.ts';
import type { Handler } from '../../lambda/rotation/handler.ts';
import type { LocalRotationEvent } from '../../local/secrets-manager/index.ts';
import { type ExpectedError, expectRefused, useRefusalFixture } from './refusals.ts';
import { LAMBDA_CONTEXT, type ManagedClient, type RotationWorld } from './rotation-world.ts';

let world: RotationWorld;
let client: ManagedClient;
/** A genuine createSecret event of a rotation Secrets Manager has started for `client`. */
let event: LocalRotationEvent;

useRefusalFixture((fixture) => {
  ({ world, client, event } = fixture);
});

/** Sends `invocation` to `handler` and checks the refusal; `secretArn` defaults to `client`'s. */
function refused(
  handler: Handler,
  invocation: unknown,
  expected: ExpectedError,
  secretArn?: string,
): Promise<Error> {
  const watched = secretArn === undefined ? client : { secretArn };
  return expectRefused(world, handler, invocation, expected, watched);
}

const EVENT_INVALID = { name: 'EventError', code: 'EVENT_INVALID' } as const;
const ROTATION_STATE = { name: 'RotationStateError', code: 'ROTATION_STATE' } as const;
const SECRET_VALUE_INVALID = { name: 'SecretValueError', code: 'SECRET_VALUE_INVALID' } as const;

describe('a malformed event', () => {
  const CASES: ReadonlyArray<{ what: string; build: () => unknown; names: string }> = [
    { what: 'an empty object', build: () => ({}), names: 'neither' },
    { what: 'null', build: () => null, names: 'JSON object' },
    { what: 'a string', build: () => 'createSecret', names: 'JSON object' },
    {
      what: 'no SecretId',
      build: () => ({ Step: 'createSecret', ClientRequestToken: event.ClientRequestToken }),
      names: 'SecretId',
    },
    {
      what: 'no ClientRequestToken',
      build: () => ({ Step: 'createSecret', SecretId: event.SecretId }),
      names: 'ClientRequestToken',
    },
    {
      what: 'no Step',
      build: () => ({ SecretId: event.SecretId, ClientRequestToken: event.ClientRequestToken }),
      names: 'neither',
    },
    { what: 'an unknown Step', build: () => ({ ...event, Step: 'deleteSecret' }), names: 'Step' },
    {
      what: 'a RotationToken that is not a string',
      build: () => ({ ...event, RotationToken: 42 }),
      names: 'RotationToken',
    },
  ];

  it.each(CASES)('is refused with EventError: $what', async ({ build, names }) => {
    // Prepare
    const handler = world.newHandler();

    // Act
    const error = await refused(handler, build(), EVENT_INVALID);

    // Assess
    expect(error.message).toContain(names);
  });
});

describe('an event the secret’s versions do not allow', () => {
  it('refuses a token that is not a version of the secret', async () => {
    // Prepare
    const unknown = { ...event, ClientRequestToken: '00000000-0000-4000-8000-000000000000' };

    // Act
    const error = await refused(world.newHandler(), unknown, ROTATION_STATE);

    // Assess
    expect(error.message).toContain('is not a version of');
  });

  it('refuses a token whose version is not AWSPENDING', async () => {
    // Prepare
    const previous = world
      .versions(client.secretArn)
      .find((v) => v.stages.includes('AWSPREVIOUS'))?.versionId;
    expect(previous).toBeDefined();

    // Act
    const error = await refused(
      world.newHandler(),
      { ...event, Step: 'setSecret', ClientRequestToken: previous },
      ROTATION_STATE,
    );

    // Assess
    expect(error.message).toContain('is not AWSPENDING');
  });

  it('refuses every step once rotation is disabled', async () => {
    // Prepare: a rotation was started, then rotation was turned off before its steps ran.
    const other = await world.addClient('m2m');
    const started = await world.recordRotationEvent(other.secretArn);
    await world.sm.send(new CancelRotateSecretCommand({ SecretId: other.secretArn }));

    for (const step of ROTATION_STEPS) {
      // Act
      const error = await refused(
        world.newHandler(),
        { ...started, Step: step },
        ROTATION_STATE,
        other.secretArn,
      );

      // Assess
      expect(error.message).toContain('rotation is not enabled');
    }
    expect(world.cloud.stytch.validSecretCount(other.clientId)).toBe(1);
  });
});

describe('a secret value the function cannot use', () => {
  const LOOKS_SECRET = 'oauth-client-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
  const CASES = [
    { what: 'not JSON', value: '{"client_id": "connected-app-test-1"', says: 'not valid JSON' },
    { what: 'a JSON array', value: '["connected-app-test-1"]', says: 'not a JSON object' },
    { what: 'a JSON string', value: '"connected-app-test-1"', says: 'not a JSON object' },
    { what: 'JSON null', value: 'null', says: 'not a JSON object' },
    { what: 'an object without client_id', value: '{"client_secret":"x"}', says: 'no client_id' },
    { what: 'a client_id that is a number', value: '{"client_id":7}', says: 'type number' },
    {
      what: 'a client_id of an unknown kind',
      value: JSON.stringify({ client_id: LOOKS_SECRET }),
      says: 'starts with neither',
    },
  ] as const;

  it.each(CASES)('is refused with SecretValueError: $what', async ({ what, value, says }) => {
    // Prepare: Secrets Manager starts a rotation of a secret holding the bad value.
    const secretArn = await world.addRawSecret(what.replaceAll(' ', '-'), value);
    const started = await world.recordRotationEvent(secretArn);

    // Act
    const error = await refused(world.newHandler(), started, SECRET_VALUE_INVALID, secretArn);

    // Assess: the message says what is wrong, and never quotes the value.
    expect(error.message).toContain(says);
    expect(error.message).not.toContain(LOOKS_SECRET);
  });
});

describe('the same event with nothing wrong', () => {
  it('runs all four steps, so the refusals above were the event’s or value’s doing', async () => {
    // Prepare
    const handler = world.newHandler();

    // Act
    for (const step of ROTATION_STEPS) await handler({ ...event, Step: step }, LAMBDA_CONTEXT);

    // Assess
    const current = world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'));
    expect(current?.versionId).toBe(event.ClientRequestToken);
    world.expectInvariants(client);
  });
});
