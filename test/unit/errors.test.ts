import { ResourceExistsException } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  EventError,
  OverlapOpenError,
  ProbeUnreliableError,
  RotationError,
  RotationStateError,
  SecretNotManagedError,
  SecretStoreError,
  SecretTestError,
  SecretValueError,
  StagingError,
  StytchError,
  StytchNetworkError,
  sanitizedCause,
  TagLimitError,
} from '../../lambda/errors.ts';

describe('RotationError subclasses', () => {
  it.each([
    [new EventError('x'), 'EventError', 'EVENT_INVALID'],
    [new SecretValueError('x'), 'SecretValueError', 'SECRET_VALUE_INVALID'],
    [new RotationStateError('x'), 'RotationStateError', 'ROTATION_STATE'],
    [new StagingError('x'), 'StagingError', 'STYTCH_NOT_STAGED'],
    [new SecretTestError('x'), 'SecretTestError', 'SECRET_TEST_FAILED'],
    [new ProbeUnreliableError('x'), 'ProbeUnreliableError', 'PROBE_UNRELIABLE'],
    [
      new SecretNotManagedError('SECRET_NOT_MANAGED', 'x'),
      'SecretNotManagedError',
      'SECRET_NOT_MANAGED',
    ],
    [
      new SecretNotManagedError('CLIENT_ID_MISMATCH', 'x'),
      'SecretNotManagedError',
      'CLIENT_ID_MISMATCH',
    ],
    [new OverlapOpenError(new Date(0), 'x'), 'OverlapOpenError', 'OVERLAP_OPEN'],
    [new TagLimitError('x'), 'TagLimitError', 'TAG_LIMIT'],
  ])('%s has its own name and a stable code', (error, name, code) => {
    expect(error).toBeInstanceOf(RotationError);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
  });

  it('carries an ES2022 cause', () => {
    const cause = new Error('inner');
    expect(new StagingError('outer', { cause }).cause).toBe(cause);
  });

  it('is a StytchError when a Stytch call failed', () => {
    // Prepare / Act
    const error = new StytchNetworkError(
      {
        operation: 'get',
        clientId: 'm2m-client-test-1',
        attempts: 2,
        retryable: true,
        networkCode: 'ECONNRESET',
      },
      'network',
    );

    // Assess
    expect(error).toBeInstanceOf(StytchError);
    expect(error).toMatchObject({ code: 'STYTCH_NETWORK', networkCode: 'ECONNRESET', attempts: 2 });
  });

  it('ConfigError lists every problem in its message and keeps them as a list', () => {
    // Prepare / Act
    const error = new ConfigError(['A is wrong', 'B is wrong']);

    // Assess
    expect(error.problems).toEqual(['A is wrong', 'B is wrong']);
    expect(error.message).toContain('2 problems');
    expect(error.message).toContain('- A is wrong - B is wrong');
  });
});

describe('sanitizedCause', () => {
  it('keeps name, code, message and stack but no other field', () => {
    // Prepare
    const original = Object.assign(new Error('other side closed'), {
      name: 'SocketError',
      code: 'UND_ERR_SOCKET',
      socket: { buffered: 'client_secret=abc' },
    });

    // Act
    const copy = sanitizedCause(original);

    // Assess
    expect(copy).toMatchObject({
      name: 'SocketError',
      code: 'UND_ERR_SOCKET',
      message: 'other side closed',
    });
    expect(copy).not.toHaveProperty('socket');
    expect(copy.stack).toBe(original.stack);
  });

  it('describes a non-error by its type only', () => {
    expect(sanitizedCause({ secret: 'x' }).message).toBe('non-error thrown: object');
  });
});

describe('SecretStoreError.from', () => {
  it('names the call, the secret, the AWS error and what to do', () => {
    // Prepare
    const sdkError = new ResourceExistsException({ message: 'version exists', $metadata: {} });

    // Act
    const error = SecretStoreError.from('PutSecretValue', 'arn:secret:x', sdkError);

    // Assess
    expect(error).toBeInstanceOf(SecretStoreError);
    expect(error).toMatchObject({
      code: 'SECRET_STORE',
      operation: 'PutSecretValue',
      secretId: 'arn:secret:x',
      awsErrorCode: 'ResourceExistsException',
      retryable: false,
    });
    expect(error.message).toContain('version exists');
    expect(error.message).toContain('already holds a different value');
    expect(error.cause).not.toHaveProperty('$metadata');
  });

  it('marks server faults retryable', () => {
    // Prepare
    const fault = Object.assign(new Error('boom'), {
      name: 'InternalServiceError',
      $fault: 'server',
    });

    // Act / Assess
    expect(SecretStoreError.from('DescribeSecret', 'arn:x', fault)).toMatchObject({
      retryable: true,
    });
  });

  it('passes a RotationError through unchanged', () => {
    const original = new RotationStateError('x');
    expect(SecretStoreError.from('DescribeSecret', 'arn:x', original)).toBe(original);
  });
});
