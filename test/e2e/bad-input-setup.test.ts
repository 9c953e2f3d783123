/**
 * A function deployed with a bad environment or a bad credentials parameter: every invocation is
 * refused with a typed error that names the variable or the parameter (never its value), before any
 * Stytch call that could change a secret. Every case runs in a cold container, as after a deploy.
 */
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

/** Sends `invocation` to `handler` and checks the refusal, watching `client`'s secret. */
function refused(handler: Handler, invocation: unknown, expected: ExpectedError): Promise<Error> {
  return expectRefused(world, handler, invocation, expected, client);
}

const CONFIG_INVALID = { name: 'ConfigError', code: 'CONFIG_INVALID' } as const;

describe('a credentials parameter the function cannot use', () => {
  /** Well-formed credentials; the secret joins the no-leak check. */
  const wellFormed = (secret: string) => {
    world.knownSecrets.push(secret);
    return JSON.stringify({ project_id: world.projectId, secret });
  };

  it('refuses when the parameter does not exist', async () => {
    // Prepare
    const handler = world.newHandler({ STYTCH_CREDENTIALS_PARAMETER: '/e2e/absent' });

    // Act
    const error = await refused(handler, event, {
      name: 'CredentialsError',
      code: 'CREDENTIALS_UNAVAILABLE',
      parameterName: '/e2e/absent',
      awsErrorCode: 'ParameterNotFound',
    });

    // Assess
    expect(error.message).toContain('/e2e/absent');
  });

  const MALFORMED = [
    { what: 'not JSON', value: () => 'project_id=project-test-1', says: 'not valid JSON' },
    { what: 'a JSON array', value: () => '[]', says: 'not a JSON object' },
    {
      what: 'JSON with the wrong field names',
      value: () => JSON.stringify({ projectId: world.projectId, secret: 'x' }),
      says: '"project_id"',
    },
    {
      what: 'JSON with an empty secret',
      value: () => JSON.stringify({ project_id: world.projectId, secret: ' ' }),
      says: '"secret"',
    },
    {
      what: 'a project id of neither kind',
      value: () => JSON.stringify({ project_id: 'project-prod-1', secret: 'x' }),
      says: 'project-live-',
    },
  ] as const;

  it.each(MALFORMED)('refuses a parameter that holds $what', async ({ what, value, says }) => {
    // Prepare
    const name = `/e2e/malformed/${what.replaceAll(' ', '-')}`;
    world.cloud.ssm.putParameter({ name, type: 'SecureString', value: value() });
    const handler = world.newHandler({ STYTCH_CREDENTIALS_PARAMETER: name });

    // Act
    const error = await refused(handler, event, {
      name: 'CredentialsError',
      code: 'CREDENTIALS_INVALID',
      parameterName: name,
    });

    // Assess
    expect(error.message).toContain(says);
  });

  it('refuses a plain String parameter even when its value is right', async () => {
    // Prepare
    const name = '/e2e/plain-string';
    const value = wellFormed('plain-string-project-secret-4d1f');
    world.cloud.ssm.putParameter({ name, type: 'String', value });
    const handler = world.newHandler({ STYTCH_CREDENTIALS_PARAMETER: name });

    // Act
    const error = await refused(handler, event, {
      name: 'CredentialsError',
      code: 'CREDENTIALS_INVALID',
    });

    // Assess
    expect(error.message).toContain('not a SecureString');
  });

  it('refuses a parameter whose KMS key is disabled', async () => {
    // Prepare
    const name = '/e2e/broken-key';
    world.cloud.ssm.putParameter({
      name,
      type: 'SecureString',
      keyId: 'alias/e2e-broken',
      value: wellFormed('broken-key-project-secret-8a2c'),
    });
    world.cloud.ssm.breakKey(name);
    const handler = world.newHandler({ STYTCH_CREDENTIALS_PARAMETER: name });

    // Act
    const error = await refused(handler, event, {
      name: 'CredentialsError',
      code: 'CREDENTIALS_UNAVAILABLE',
      awsErrorCode: 'InvalidKeyId',
    });

    // Assess
    expect(error.message).toContain('KMS key');
  });
});

describe('a configuration that breaks the runtime contract', () => {
  const CASES = [
    { variable: 'STYTCH_API_BASE_URL', value: 'http://stytch.example.com' },
    { variable: 'STYTCH_API_BASE_URL', value: 'ftp://127.0.0.1/stytch' },
    { variable: 'STYTCH_TOKEN_URL', value: 'http://stytch.example.com/v1/oauth2/token' },
    { variable: 'STYTCH_COMPLETION_DELAY_SECONDS', value: '-5' },
    { variable: 'STYTCH_CREDENTIALS_PARAMETER', value: undefined },
  ] as const;

  it.each(CASES)('is refused with ConfigError naming $variable ($value)', async (bad) => {
    // Prepare
    const handler = world.newHandler({ [bad.variable]: bad.value });

    // Act
    const error = await refused(handler, event, CONFIG_INVALID);

    // Assess
    expect(error.message).toContain(bad.variable);
    if (bad.variable === 'STYTCH_API_BASE_URL') expect(error.message).toContain('https');
  });
});

describe('the same event with nothing wrong', () => {
  it('runs all four steps, so the refusals above were the setup’s doing', async () => {
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
