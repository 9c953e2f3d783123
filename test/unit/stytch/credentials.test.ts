import {
  AccessDeniedException,
  GetParameterCommand,
  InvalidKeyId,
  ParameterNotFound,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialsError } from '../../../lambda/errors.ts';
import { createCredentialsSource } from '../../../lambda/stytch/credentials.ts';
import { FakeTime } from '../helpers/fake-time.ts';
import { describeErrorFully, expectNoSecrets } from '../helpers/no-secrets.ts';

const PARAMETER = '/stytch/project-credentials';
const SECRET = 'secret-test-DO-NOT-LEAK-abcdefghijklmnop';
const VALUE = JSON.stringify({ project_id: 'project-test-1234', secret: SECRET });

const ssmMock = mockClient(SSMClient);

afterEach(() => {
  ssmMock.reset();
});

function answer(value: string | undefined, type = 'SecureString') {
  return { Parameter: { Name: PARAMETER, Type: type, Value: value } } as never;
}

function source(time = new FakeTime(), cacheSeconds = 300) {
  return createCredentialsSource({
    ssm: new SSMClient({}),
    parameterName: PARAMETER,
    cacheSeconds,
    clock: time,
  });
}

async function credentialsError(promise: Promise<unknown>): Promise<CredentialsError> {
  try {
    await promise;
  } catch (error) {
    expectNoSecrets(describeErrorFully(error), [SECRET]);
    if (error instanceof CredentialsError) return error;
    throw error;
  }
  throw new Error('the credentials were accepted');
}

describe('createCredentialsSource', () => {
  it('reads the parameter with decryption and returns the credentials', async () => {
    // Prepare
    ssmMock
      .on(GetParameterCommand, { Name: PARAMETER, WithDecryption: true })
      .resolves(answer(VALUE));

    // Act
    const credentials = await source().get();

    // Assess
    expect(credentials.projectId).toBe('project-test-1234');
    expect(credentials.secret).toBe(SECRET);
    expectNoSecrets(JSON.stringify(credentials), [SECRET]);
  });

  it('serves the cache within the TTL and reads again after it', async () => {
    // Prepare
    const time = new FakeTime();
    const credentials = source(time, 300);
    ssmMock.on(GetParameterCommand).resolves(answer(VALUE));

    // Act
    await credentials.get();
    time.advance(299_999);
    await credentials.get();
    const readsWithinTtl = ssmMock.commandCalls(GetParameterCommand).length;
    time.advance(1);
    await credentials.get();

    // Assess
    expect(readsWithinTtl).toBe(1);
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('shares one read between concurrent callers', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves(answer(VALUE));
    const credentials = source();

    // Act
    await Promise.all([credentials.get(), credentials.get(), credentials.get()]);

    // Assess
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('reads again after invalidate', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves(answer(VALUE));
    const credentials = source();
    await credentials.get();

    // Act
    credentials.invalidate();
    await credentials.get();

    // Assess
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('does not cache a failed read', async () => {
    // Prepare
    ssmMock
      .on(GetParameterCommand)
      .rejectsOnce(new ParameterNotFound({ message: 'not found', $metadata: {} }))
      .resolves(answer(VALUE));
    const credentials = source();

    // Act
    await credentials.get().catch(() => undefined);
    const second = await credentials.get();

    // Assess
    expect(second.projectId).toBe('project-test-1234');
  });

  it.each([
    [
      new ParameterNotFound({ message: 'Parameter not found.', $metadata: {} }),
      'ParameterNotFound',
      'create the SecureString',
    ],
    [
      new AccessDeniedException({
        message: 'not authorized to perform kms:Decrypt',
        Message: 'not authorized to perform kms:Decrypt',
        $metadata: {},
      }),
      'AccessDeniedException',
      'kms:Decrypt',
    ],
    [new InvalidKeyId({ message: 'key disabled', $metadata: {} }), 'InvalidKeyId', 'KMS key'],
    [
      Object.assign(new Error('KMS said no'), { name: 'KMSDisabledException' }),
      'KMSDisabledException',
      'could not decrypt',
    ],
    [
      Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
      'TimeoutError',
      'see the cause',
    ],
  ])('reports %s as CREDENTIALS_UNAVAILABLE naming the parameter', async (failure, code, hint) => {
    // Prepare
    ssmMock.on(GetParameterCommand).rejects(failure);

    // Act
    const error = await credentialsError(source().get());

    // Assess
    expect(error).toMatchObject({
      code: 'CREDENTIALS_UNAVAILABLE',
      parameterName: PARAMETER,
      awsErrorCode: code,
    });
    expect(error.message).toContain(PARAMETER);
    expect(error.message).toContain(code);
    expect(error.message).toContain(hint);
    expect((error.cause as Error).name).toBe(code);
    expect(error.cause).not.toHaveProperty('$metadata');
  });

  it.each([
    ['no value', answer(undefined), 'has no value'],
    ['a plain String parameter', answer(VALUE, 'String'), 'not a SecureString'],
    ['not JSON', answer(`project_id=project-test-1 secret=${SECRET}`), 'is not valid JSON'],
    ['a JSON array', answer(JSON.stringify([SECRET])), 'is not a JSON object'],
    ['no project_id', answer(JSON.stringify({ secret: SECRET })), 'has no string "project_id"'],
    [
      'an unknown project prefix',
      answer(JSON.stringify({ project_id: SECRET, secret: SECRET })),
      'starts with neither',
    ],
    [
      'an empty secret',
      answer(JSON.stringify({ project_id: 'project-live-1', secret: ' ' })),
      'no non-empty string "secret"',
    ],
    [
      'a numeric secret',
      answer(JSON.stringify({ project_id: 'project-live-1', secret: 5 })),
      'no non-empty string "secret"',
    ],
  ])('reports a value with %s as CREDENTIALS_INVALID without quoting it', async (_, out, why) => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves(out);

    // Act
    const error = await credentialsError(source().get());

    // Assess
    expect(error).toMatchObject({ code: 'CREDENTIALS_INVALID', parameterName: PARAMETER });
    expect(error.message).toContain(PARAMETER);
    expect(error.message).toContain(why);
    expect(error.cause).toBeUndefined();
  });
});
