import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import {
  errorOf,
  FUNCTION_ARN,
  newToken,
  useHarness,
  versionHelpers,
} from './secrets-manager.harness.ts';

const h = useHarness({ rotation: { maxAttempts: 1 } });
const { secretWithCurrent, stagesOf, putVersion } = versionHelpers(h);

describe('PutSecretValue', () => {
  it('treats a repeat with the same token and the same value as a no-op', async () => {
    // Prepare
    const { name, first } = await secretWithCurrent();
    const second = newToken();
    await putVersion(name, second, 'value-2');
    // Act
    const repeat = await h.client.send(
      new PutSecretValueCommand({
        SecretId: name,
        ClientRequestToken: second,
        SecretString: 'value-2',
      }),
    );
    // Assess
    expect(repeat.VersionId).toBe(second);
    expect(await stagesOf(name)).toEqual({ [first]: ['AWSPREVIOUS'], [second]: ['AWSCURRENT'] });
  });

  it('fails with ResourceExistsException when the token names a version with a different value', async () => {
    // Prepare
    const { name, first } = await secretWithCurrent();
    // Act
    const error = await errorOf(
      h.client.send(
        new PutSecretValueCommand({
          SecretId: name,
          ClientRequestToken: first,
          SecretString: 'other',
        }),
      ),
    );
    // Assess
    expect(error.name).toBe('ResourceExistsException');
    expect(h.sm.inspect(name).versions.map((v) => v.value)).toEqual(['value-1']);
  });

  it('moves AWSCURRENT to the new version and gives the old one AWSPREVIOUS by default', async () => {
    // Prepare
    const { name, first } = await secretWithCurrent();
    const second = newToken();
    const third = newToken();
    // Act
    await h.client.send(
      new PutSecretValueCommand({
        SecretId: name,
        ClientRequestToken: second,
        SecretString: 'value-2',
      }),
    );
    await h.client.send(
      new PutSecretValueCommand({
        SecretId: name,
        ClientRequestToken: third,
        SecretString: 'value-3',
      }),
    );
    // Assess
    expect(await stagesOf(name)).toEqual({ [second]: ['AWSPREVIOUS'], [third]: ['AWSCURRENT'] });
    const current = await h.client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(current.SecretString).toBe('value-3');
    expect(h.sm.inspect(name).versions.find((v) => v.versionId === first)?.stages).toEqual([]);
  });

  it('refuses a ClientRequestToken shorter than 32 characters', async () => {
    // Prepare
    const { name } = await secretWithCurrent();
    // Act
    const error = await errorOf(
      h.client.send(
        new PutSecretValueCommand({
          SecretId: name,
          ClientRequestToken: 'short',
          SecretString: 'v',
        }),
      ),
    );
    // Assess
    expect(error.name).toBe('ValidationException');
  });

  it('refuses a value larger than 65,536 bytes', async () => {
    // Prepare
    const { name } = await secretWithCurrent();
    // Act
    const error = await errorOf(
      h.client.send(
        new PutSecretValueCommand({ SecretId: name, SecretString: 'é'.repeat(32_769) }),
      ),
    );
    // Assess
    expect(error.name).toBe('ValidationException');
  });
});

describe('GetSecretValue', () => {
  it('answers ResourceNotFoundException for the empty AWSPENDING version a rotation left', async () => {
    // Prepare
    const { name } = await secretWithCurrent();
    h.sm.registerFunction(FUNCTION_ARN, async () => {
      throw new Error('rotation function unavailable');
    });
    const token = newToken();
    await h.client.send(
      new RotateSecretCommand({
        SecretId: name,
        ClientRequestToken: token,
        RotationLambdaARN: FUNCTION_ARN,
      }),
    );
    await h.sm.waitForRotation(name, token);
    // Act
    const byStage = await errorOf(
      h.client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' })),
    );
    const byId = await errorOf(
      h.client.send(new GetSecretValueCommand({ SecretId: name, VersionId: token })),
    );
    // Assess
    expect(byStage.name).toBe('ResourceNotFoundException');
    expect(byId.name).toBe('ResourceNotFoundException');
    expect((await stagesOf(name))[token]).toEqual(['AWSPENDING']);
  });

  it('answers ResourceNotFoundException when VersionStage is not on the VersionId given', async () => {
    // Prepare
    const { name, first } = await secretWithCurrent();
    // Act
    const error = await errorOf(
      h.client.send(
        new GetSecretValueCommand({ SecretId: name, VersionId: first, VersionStage: 'AWSPENDING' }),
      ),
    );
    // Assess
    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('returns the version matching both VersionId and VersionStage', async () => {
    // Prepare
    const { name, first } = await secretWithCurrent();
    // Act
    const value = await h.client.send(
      new GetSecretValueCommand({ SecretId: name, VersionId: first, VersionStage: 'AWSCURRENT' }),
    );
    // Assess
    expect(value).toMatchObject({
      VersionId: first,
      SecretString: 'value-1',
      VersionStages: ['AWSCURRENT'],
    });
    expect(value.CreatedDate).toBeInstanceOf(Date);
  });
});
