import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { CredentialsError, StytchApiError } from '../../lambda/errors.ts';
import {
  createLogger,
  errorFields,
  type Log,
  logStepOutcome,
  logStepStart,
  logStytchCall,
} from '../../lambda/log.ts';
import { RecordingLog } from './helpers/recording-log.ts';

describe('createLogger', () => {
  // Powertools writes debug/info to stdout and warn/error to stderr; both lines land in one list.
  let written: string[];
  let spies: MockInstance<typeof process.stdout.write>[];

  beforeEach(() => {
    written = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    spies = [
      vi.spyOn(process.stdout, 'write').mockImplementation(capture),
      vi.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
  });

  afterEach(() => {
    for (const spy of spies) spy.mockRestore();
  });

  const lines = () => written.map((chunk) => JSON.parse(chunk) as Record<string, unknown>);

  it('writes JSON lines to stdout with the default service name and level', () => {
    // Prepare
    const logger: Log = createLogger({});

    // Act
    logger.debug('hidden at INFO');
    logger.info('createSecret: started', { step: 'createSecret' });

    // Assess
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({
      level: 'INFO',
      message: 'createSecret: started',
      service: 'stytch-secret-rotation',
      step: 'createSecret',
    });
  });

  it('takes the service name and POWERTOOLS_LOG_LEVEL before LOG_LEVEL', () => {
    // Prepare
    const logger = createLogger({
      POWERTOOLS_SERVICE_NAME: 'rotation-dev',
      POWERTOOLS_LOG_LEVEL: 'debug',
      LOG_LEVEL: 'ERROR',
    });

    // Act
    logger.debug('visible at DEBUG');

    // Assess
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'DEBUG',
        service: 'rotation-dev',
        message: 'visible at DEBUG',
      }),
    ]);
  });

  it('falls back to INFO with a warning for an unknown level', () => {
    // Prepare / Act
    const logger = createLogger({ LOG_LEVEL: 'chatty' });
    logger.info('still logged');

    // Assess
    expect(lines().map((line) => line.message)).toEqual([
      'unknown log level "CHATTY", using INFO',
      'still logged',
    ]);
  });
});

describe('log helpers', () => {
  it('logs a step start and outcome with snake_case keys', () => {
    // Prepare
    const log = new RecordingLog();
    const step = {
      step: 'setSecret',
      secretId: 'arn:secret:app',
      clientRequestToken: 't'.repeat(32),
      clientId: 'm2m-client-test-1',
    };

    // Act
    logStepStart(log, step);
    logStepOutcome(log, {
      ...step,
      outcome: 'skipped',
      durationMs: 12.4,
      detail: 'already staged',
    });

    // Assess
    expect(log.lines).toEqual([
      {
        level: 'info',
        message: 'setSecret: started for arn:secret:app',
        attributes: {
          step: 'setSecret',
          secret_id: 'arn:secret:app',
          client_request_token: 't'.repeat(32),
          client_id: 'm2m-client-test-1',
        },
      },
      {
        level: 'info',
        message: 'setSecret: skipped for arn:secret:app (already staged)',
        attributes: expect.objectContaining({ outcome: 'skipped', duration_ms: 12 }),
      },
    ]);
  });

  it('logs a failed step at error level with the error code and details', () => {
    // Prepare
    const log = new RecordingLog();
    const error = new CredentialsError('CREDENTIALS_UNAVAILABLE', {
      parameterName: '/p',
      awsErrorCode: 'ParameterNotFound',
      message: 'cannot read SSM parameter /p',
    });

    // Act
    logStepOutcome(log, {
      step: 'createSecret',
      secretId: 'arn:x',
      outcome: 'failed',
      durationMs: 5,
      error,
    });

    // Assess
    expect(log.lines[0]?.level).toBe('error');
    expect(log.lines[0]?.attributes.error).toEqual({
      name: 'CredentialsError',
      message: 'cannot read SSM parameter /p',
      code: 'CREDENTIALS_UNAVAILABLE',
      parameterName: '/p',
      awsErrorCode: 'ParameterNotFound',
    });
  });

  it('logs a Stytch attempt at info when ok and at warn when retried', () => {
    // Prepare
    const log = new RecordingLog();
    const call = {
      operation: 'get',
      clientId: 'connected-app-test-1',
      attempt: 1,
      durationMs: 33.3,
    };

    // Act
    logStytchCall(log, {
      ...call,
      outcome: 'retry',
      status: 429,
      requestId: 'r1',
      retryInMs: 1000,
    });
    logStytchCall(log, { ...call, attempt: 2, outcome: 'ok', status: 200, requestId: 'r2' });

    // Assess
    expect(log.lines.map((line) => [line.level, line.message])).toEqual([
      ['warn', 'stytch get connected-app-test-1: 429 retry'],
      ['info', 'stytch get connected-app-test-1: 200 ok'],
    ]);
    expect(log.lines[0]?.attributes).toMatchObject({
      attempt: 1,
      duration_ms: 33,
      request_id: 'r1',
      retry_in_ms: 1000,
    });
  });
});

describe('errorFields', () => {
  it('keeps a StytchApiError’s fields and no stack', () => {
    // Prepare
    const error = new StytchApiError(
      {
        operation: 'rotate',
        clientId: 'm2m-client-test-1',
        status: 409,
        errorType: 'm2m_client_not_rotating_secret',
        requestId: 'r',
        attempts: 1,
        retryable: false,
      },
      'Stytch rotate failed',
    );

    // Act
    const fields = errorFields(error).error as Record<string, unknown>;

    // Assess
    expect(fields).toMatchObject({
      code: 'STYTCH_API',
      status: 409,
      errorType: 'm2m_client_not_rotating_secret',
    });
    expect(fields).not.toHaveProperty('stack');
  });

  it('keeps an unexpected error’s stack and code, and only the name and message of its cause', () => {
    // Prepare
    const cause = Object.assign(new Error('inner'), { body: 'a request body' });
    const error = Object.assign(new TypeError('boom', { cause }), { code: 'ERR_X' });

    // Act
    const fields = errorFields(error).error as Record<string, unknown>;

    // Assess
    expect(fields).toMatchObject({
      name: 'TypeError',
      message: 'boom',
      code: 'ERR_X',
      cause: { name: 'Error', message: 'inner' },
    });
    expect(String(fields.stack)).toContain('boom');
    expect(JSON.stringify(fields)).not.toContain('a request body');
  });

  it('describes a thrown non-error by its type only', () => {
    expect(errorFields('a secret string')).toEqual({ error: { name: 'string' } });
  });
});
