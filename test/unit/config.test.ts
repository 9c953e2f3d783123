import { describe, expect, it } from 'vitest';
import { loadConfig, resolveStytchEndpoints } from '../../lambda/config.ts';
import { ConfigError } from '../../lambda/errors.ts';

const REQUIRED = {
  STYTCH_CREDENTIALS_PARAMETER: '/stytch/credentials',
  STYTCH_LEASE_TABLE: 'stytch-leases',
};

function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('applies every documented default when only the parameter name is set', () => {
    // Prepare / Act
    const config = loadConfig(REQUIRED);

    // Assess
    expect(config).toEqual({
      credentialsParameter: '/stytch/credentials',
      leaseTable: 'stytch-leases',
      stytchApiBaseUrl: undefined,
      stytchTokenUrl: undefined,
      completionDelaySeconds: 3600,
      probeAcceptedErrors: ['invalid_grant'],
      credentialsCacheSeconds: 300,
      stuckRotationHours: 24,
      managedTag: undefined,
    });
  });

  it('reads every variable when all are set', () => {
    // Prepare
    const env = {
      ...REQUIRED,
      STYTCH_API_BASE_URL: 'https://stytch.internal.example.com/',
      STYTCH_TOKEN_URL: 'https://login.example.com/v1/oauth2/token',
      STYTCH_COMPLETION_DELAY_SECONDS: '0',
      STYTCH_PROBE_ACCEPTED_ERRORS: 'invalid_grant, idp_refresh_token_not_found',
      STYTCH_CREDENTIALS_CACHE_SECONDS: '60',
      STYTCH_STUCK_ROTATION_HOURS: '1.5',
      STYTCH_MANAGED_TAG: 'stytch-secret-rotation=abc123',
    };

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config).toEqual({
      credentialsParameter: '/stytch/credentials',
      leaseTable: 'stytch-leases',
      stytchApiBaseUrl: 'https://stytch.internal.example.com',
      stytchTokenUrl: 'https://login.example.com/v1/oauth2/token',
      completionDelaySeconds: 0,
      probeAcceptedErrors: ['invalid_grant', 'idp_refresh_token_not_found'],
      credentialsCacheSeconds: 60,
      stuckRotationHours: 1.5,
      managedTag: { key: 'stytch-secret-rotation', value: 'abc123' },
    });
  });

  it.each([
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['http://localhost:4010/', 'http://localhost:4010'],
    ['http://[::1]:4010', 'http://[::1]:4010'],
  ])('accepts plain http for the loopback base URL %s', (raw, expected) => {
    // Prepare / Act
    const config = loadConfig({ ...REQUIRED, STYTCH_API_BASE_URL: raw });

    // Assess
    expect(config.stytchApiBaseUrl).toBe(expected);
  });

  it.each([
    ['STYTCH_API_BASE_URL', 'http://test.stytch.com', 'must use https'],
    ['STYTCH_API_BASE_URL', 'http://127.0.0.2:80', 'must use https'],
    ['STYTCH_API_BASE_URL', 'ftp://test.stytch.com', 'must use https'],
    ['STYTCH_API_BASE_URL', 'test.stytch.com', 'must be an absolute URL'],
    ['STYTCH_API_BASE_URL', 'https://user:pw@test.stytch.com', 'must not hold credentials'],
    ['STYTCH_API_BASE_URL', 'https://test.stytch.com/?x=1', 'must not have a query'],
    ['STYTCH_TOKEN_URL', 'http://login.example.com/token', 'must use https'],
    ['STYTCH_COMPLETION_DELAY_SECONDS', '-5', 'must be a whole number >= 0'],
    ['STYTCH_COMPLETION_DELAY_SECONDS', '1.5', 'must be a whole number >= 0'],
    ['STYTCH_COMPLETION_DELAY_SECONDS', 'soon', 'must be a whole number >= 0'],
    ['STYTCH_CREDENTIALS_CACHE_SECONDS', '1e3', 'must be a whole number >= 0'],
    ['STYTCH_STUCK_ROTATION_HOURS', '0', 'must be a number > 0'],
    ['STYTCH_STUCK_ROTATION_HOURS', '-1', 'must be a number > 0'],
    ['STYTCH_PROBE_ACCEPTED_ERRORS', ' , ', 'must list at least one error code'],
    ['STYTCH_PROBE_ACCEPTED_ERRORS', 'invalid_grant,Bad Code', 'lower_snake_case'],
    ['STYTCH_MANAGED_TAG', 'no-equals-sign', 'must be key=value'],
    ['STYTCH_MANAGED_TAG', '=value', 'must be key=value'],
    ['STYTCH_MANAGED_TAG', 'key=', 'must be key=value'],
  ])('rejects %s=%s with a message naming the variable and the value', (name, value, why) => {
    // Prepare / Act
    const error = configErrorOf({ ...REQUIRED, [name]: value });

    // Assess
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(name);
    expect(error.problems[0]).toContain(why);
    const secretBearing = /@|\?|#/.test(value);
    // A URL's credentials, query and fragment are hidden; anything else is quoted as given.
    expect(error.problems[0]).toContain(secretBearing ? 'hidden' : `"${value.trim()}"`);
  });

  it('reports a missing credentials parameter', () => {
    // Prepare / Act
    const error = configErrorOf({ ...REQUIRED, STYTCH_CREDENTIALS_PARAMETER: '  ' });

    // Assess
    expect(error.problems).toEqual([
      'STYTCH_CREDENTIALS_PARAMETER is required: the name of the SSM SecureString',
    ]);
  });

  it('reports every problem in one error', () => {
    // Prepare
    const env = {
      STYTCH_API_BASE_URL: 'http://stytch.example.com',
      STYTCH_COMPLETION_DELAY_SECONDS: '-1',
      STYTCH_STUCK_ROTATION_HOURS: 'never',
      STYTCH_MANAGED_TAG: 'oops',
    };

    // Act
    const error = configErrorOf(env);

    // Assess
    expect(error.problems.map((p) => p.split(' ')[0])).toEqual([
      'STYTCH_CREDENTIALS_PARAMETER',
      'STYTCH_LEASE_TABLE',
      'STYTCH_API_BASE_URL',
      'STYTCH_COMPLETION_DELAY_SECONDS',
      'STYTCH_STUCK_ROTATION_HOURS',
      'STYTCH_MANAGED_TAG',
    ]);
    expect(error.message).toContain('6 problems');
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  it('refuses to run without a lease table, so no actor ever rotates unprotected', () => {
    // Prepare / Act
    const missing = configErrorOf({ STYTCH_CREDENTIALS_PARAMETER: '/stytch/credentials' });
    const invalid = configErrorOf({ ...REQUIRED, STYTCH_LEASE_TABLE: 'no spaces allowed' });

    // Assess
    expect(missing.problems).toEqual([
      'STYTCH_LEASE_TABLE is required: the DynamoDB table of the per-client leases (the stack creates it)',
    ]);
    expect(invalid.problems[0]).toContain('STYTCH_LEASE_TABLE must be a DynamoDB table name');
  });

  it('treats empty variables as unset', () => {
    // Prepare / Act
    const config = loadConfig({ ...REQUIRED, STYTCH_API_BASE_URL: '', STYTCH_MANAGED_TAG: ' ' });

    // Assess
    expect(config.stytchApiBaseUrl).toBeUndefined();
    expect(config.managedTag).toBeUndefined();
  });
});

describe('resolveStytchEndpoints', () => {
  const none = { stytchApiBaseUrl: undefined, stytchTokenUrl: undefined };

  it('uses test.stytch.com for a test project and derives the token URL from it', () => {
    // Prepare / Act
    const endpoints = resolveStytchEndpoints(none, 'project-test-1234');

    // Assess
    expect(endpoints).toEqual({
      baseUrl: 'https://test.stytch.com',
      tokenUrl: 'https://test.stytch.com/v1/public/project-test-1234/oauth2/token',
      connectedAppTokenUrl: 'https://test.stytch.com/v1/public/project-test-1234/oauth2/token',
    });
  });

  it('uses api.stytch.com for a live project', () => {
    // Prepare / Act
    const endpoints = resolveStytchEndpoints(none, 'project-live-99');

    // Assess
    expect(endpoints.baseUrl).toBe('https://api.stytch.com');
    expect(endpoints.tokenUrl).toBe(
      'https://api.stytch.com/v1/public/project-live-99/oauth2/token',
    );
  });

  it('prefers the configured base URL and derives the token URL from it', () => {
    // Prepare / Act
    const endpoints = resolveStytchEndpoints(
      { stytchApiBaseUrl: 'http://127.0.0.1:4010', stytchTokenUrl: undefined },
      'project-live-99',
    );

    // Assess
    expect(endpoints).toEqual({
      baseUrl: 'http://127.0.0.1:4010',
      tokenUrl: 'http://127.0.0.1:4010/v1/public/project-live-99/oauth2/token',
      connectedAppTokenUrl: 'http://127.0.0.1:4010/v1/public/project-live-99/oauth2/token',
    });
  });

  it('prefers the configured token URL', () => {
    // Prepare / Act
    const endpoints = resolveStytchEndpoints(
      { stytchApiBaseUrl: undefined, stytchTokenUrl: 'https://login.example.com/v1/oauth2/token' },
      'project-test-1',
    );

    // Assess
    expect(endpoints.tokenUrl).toBe('https://login.example.com/v1/oauth2/token');
    expect(endpoints.connectedAppTokenUrl).toBe('https://login.example.com/v1/oauth2/token');
  });

  it("sends Connected Apps to the project domain's token endpoint when a domain is set", () => {
    // Prepare
    const config = loadConfig({
      ...REQUIRED,
      STYTCH_PROJECT_DOMAIN: 'login.example.com',
    });

    // Act
    const endpoints = resolveStytchEndpoints(config, 'project-live-99');

    // Assess
    expect(config.stytchProjectDomain).toBe('https://login.example.com');
    expect(endpoints.connectedAppTokenUrl).toBe('https://login.example.com/v1/oauth2/token');
    expect(endpoints.tokenUrl).toBe(
      'https://api.stytch.com/v1/public/project-live-99/oauth2/token',
    );
  });

  it('rejects a project domain that is not https', () => {
    // Prepare / Act / Assess
    expect(() =>
      loadConfig({
        STYTCH_CREDENTIALS_PARAMETER: '/p',
        STYTCH_PROJECT_DOMAIN: 'http://login.example.com',
      }),
    ).toThrow(/STYTCH_PROJECT_DOMAIN must use https/);
  });

  it('rejects a project id with an unknown prefix when no base URL is configured', () => {
    // Prepare / Act / Assess
    expect(() => resolveStytchEndpoints(none, 'proj-123')).toThrow(ConfigError);
    expect(() => resolveStytchEndpoints(none, 'proj-123')).toThrow(/STYTCH_API_BASE_URL/);
  });
});
