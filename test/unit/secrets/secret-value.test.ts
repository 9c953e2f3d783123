import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretValueError } from '../../../lambda/errors.ts';
import {
  lastFour,
  parseSecretValue,
  serializeSecretValue,
  withClientSecret,
} from '../../../lambda/secrets/secret-value.ts';
import { expectNoSecrets } from '../helpers/no-secrets.ts';

const WHERE = 'AWSCURRENT of arn:aws:secretsmanager:us-east-1:1:secret:app';
const SECRET = 'secret-test-Zq8vW1xY2zA3bC4dE5fG6hI7jK8lM9nO';

function parseError(raw: string | undefined): SecretValueError {
  try {
    parseSecretValue(raw, WHERE);
  } catch (error) {
    if (error instanceof SecretValueError) return error;
    throw error;
  }
  throw new Error('parseSecretValue accepted the value');
}

describe('parseSecretValue', () => {
  it('reads a Connected App value with its secret', () => {
    // Prepare / Act
    const value = parseSecretValue(
      JSON.stringify({ client_id: 'connected-app-test-abc', client_secret: SECRET }),
      WHERE,
    );

    // Assess
    expect(value.clientId).toBe('connected-app-test-abc');
    expect(value.kind).toBe('connected_app');
    expect(value.clientSecret).toBe(SECRET);
  });

  it('reads an M2M value without a secret as a bootstrap', () => {
    // Prepare / Act
    const value = parseSecretValue('{"client_id":"m2m-client-test-xyz"}', WHERE);

    // Assess
    expect(value.kind).toBe('m2m_client');
    expect(value.clientSecret).toBeUndefined();
  });

  it.each([
    ['undefined', undefined, 'has no SecretString'],
    ['not JSON', `{"client_secret": "${SECRET}"`, 'is not valid JSON'],
    ['an array', `["${SECRET}"]`, 'is an array, not a JSON object'],
    ['a string', JSON.stringify(SECRET), 'is string, not a JSON object'],
    ['null', 'null', 'is null, not a JSON object'],
    ['missing client_id', JSON.stringify({ client_secret: SECRET }), 'has no client_id'],
    ['a numeric client_id', JSON.stringify({ client_id: 7 }), 'client_id of type number'],
    [
      'a client_id with an unknown prefix',
      JSON.stringify({ client_id: SECRET }),
      'starts with neither "connected-app-" or "m2m-client-"',
    ],
    [
      'a numeric client_secret',
      JSON.stringify({ client_id: 'm2m-client-test-1', client_secret: 42 }),
      'client_secret that is of type number',
    ],
    [
      'an empty client_secret',
      JSON.stringify({ client_id: 'm2m-client-test-1', client_secret: '' }),
      'client_secret that is an empty string',
    ],
  ])('rejects %s, naming where and why but not the value', (_, raw, why) => {
    // Prepare / Act
    const error = parseError(raw);

    // Assess
    expect(error.code).toBe('SECRET_VALUE_INVALID');
    expect(error.message).toContain(WHERE);
    expect(error.message).toContain(why);
    expect(error.cause).toBeUndefined();
    expectNoSecrets(`${error.message}\n${error.stack}`, [SECRET]);
  });

  it('keeps every other key verbatim, in order, through a new secret', () => {
    // Prepare
    const raw = JSON.stringify({
      note: 'owned by team A',
      client_id: 'connected-app-test-abc',
      client_secret: 'old-secret-aaaa',
      nested: { a: [1, 2, { b: null }] },
      flag: false,
    });
    const value = parseSecretValue(raw, WHERE);

    // Act
    const rotated = withClientSecret(value, SECRET);

    // Assess
    expect(JSON.parse(serializeSecretValue(rotated))).toEqual({
      note: 'owned by team A',
      client_id: 'connected-app-test-abc',
      client_secret: SECRET,
      nested: { a: [1, 2, { b: null }] },
      flag: false,
    });
    expect(rotated.keys).toEqual(['note', 'client_id', 'client_secret', 'nested', 'flag']);
    expect(value.clientSecret).toBe('old-secret-aaaa');
  });

  it('adds client_secret to a bootstrap value', () => {
    // Prepare
    const value = parseSecretValue('{"client_id":"m2m-client-test-1","env":"dev"}', WHERE);

    // Act
    const rotated = withClientSecret(value, SECRET);

    // Assess
    expect(serializeSecretValue(rotated)).toBe(
      `{"client_id":"m2m-client-test-1","env":"dev","client_secret":"${SECRET}"}`,
    );
  });

  it('never shows the secret when the value is logged, inspected or spread', () => {
    // Prepare
    const value = parseSecretValue(
      JSON.stringify({ client_id: 'connected-app-test-abc', client_secret: SECRET }),
      WHERE,
    );

    // Act
    const shown = [JSON.stringify(value), inspect(value), JSON.stringify({ ...value })].join('\n');

    // Assess
    expectNoSecrets(shown, [SECRET]);
    expect(JSON.parse(JSON.stringify(value))).toEqual({
      client_id: 'connected-app-test-abc',
      kind: 'connected_app',
      client_secret_last_four: 'M9nO',
      keys: ['client_id', 'client_secret'],
    });
  });

  it('refuses an empty new secret', () => {
    // Prepare
    const value = parseSecretValue('{"client_id":"m2m-client-test-1"}', WHERE);

    // Act / Assess
    expect(() => withClientSecret(value, '')).toThrow(SecretValueError);
  });
});

describe('lastFour', () => {
  it('returns the last four characters', () => {
    expect(lastFour(SECRET)).toBe('M9nO');
  });
});
