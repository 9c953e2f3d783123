import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecretStore } from '../../../lambda/secrets/store.ts';

const sm = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:stytch/x-AbCdEf';

afterEach(() => {
  sm.reset();
});

describe('SecretStore.readValue', () => {
  it('returns the SecretString of the selected version', async () => {
    // Prepare
    sm.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSCURRENT' }).resolves({
      SecretString: '{"client_id":"m2m-client-test-1"}',
    });

    // Act
    const value = await createSecretStore(new SecretsManagerClient({})).readValue(ARN, {
      stage: 'AWSCURRENT',
    });

    // Assess
    expect(value).toBe('{"client_id":"m2m-client-test-1"}');
  });

  it('returns undefined for a version that has no value yet', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({ message: 'no value', $metadata: {} }),
    );

    // Act
    const value = await createSecretStore(new SecretsManagerClient({})).readValue(ARN, {
      versionId: 'a'.repeat(36),
    });

    // Assess
    expect(value).toBeUndefined();
  });

  it('throws SecretValueError for a binary secret, saying to store JSON', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolves({
      VersionId: 'v1',
      SecretBinary: new Uint8Array([1, 2, 3]),
    });

    // Act
    const read = createSecretStore(new SecretsManagerClient({})).readValue(ARN, {
      stage: 'AWSCURRENT',
    });

    // Assess
    await expect(read).rejects.toMatchObject({
      name: 'SecretValueError',
      code: 'SECRET_VALUE_INVALID',
      message: expect.stringContaining('JSON string'),
    });
  });
});
