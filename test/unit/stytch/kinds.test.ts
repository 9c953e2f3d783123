import { describe, expect, it } from 'vitest';
import { SecretValueError } from '../../../lambda/errors.ts';
import { CLIENT_KINDS, clientKindOf, clientPath, methodOf } from '../../../lambda/stytch/kinds.ts';

describe('clientKindOf', () => {
  it.each([
    ['connected-app-test-1', 'connected_app'],
    ['connected-app-live-1', 'connected_app'],
    ['m2m-client-test-1', 'm2m_client'],
  ])('classifies %s as %s', (clientId, kind) => {
    expect(clientKindOf(clientId)).toBe(kind);
  });

  it('throws SecretValueError for an unknown prefix without echoing the id', () => {
    // Prepare
    const id = 'sk-live-looks-like-a-secret';

    // Act / Assess
    expect(() => clientKindOf(id)).toThrow(SecretValueError);
    expect(() => clientKindOf(id)).toThrow(/27 characters/);
    expect(() => clientKindOf(id)).not.toThrow(/sk-live/);
  });
});

describe('clientPath', () => {
  it.each([
    ['get', '/v1/connected_apps/clients/connected-app-test-a%2Fb%3F'],
    ['rotate_start', '/v1/connected_apps/clients/connected-app-test-a%2Fb%3F/secrets/rotate/start'],
    ['rotate', '/v1/connected_apps/clients/connected-app-test-a%2Fb%3F/secrets/rotate'],
    [
      'rotate_cancel',
      '/v1/connected_apps/clients/connected-app-test-a%2Fb%3F/secrets/rotate/cancel',
    ],
  ] as const)('builds the Connected App path of %s with the id URL-encoded', (operation, path) => {
    expect(clientPath('connected-app-test-a/b?', operation)).toBe(path);
  });

  it('builds M2M paths under /v1/m2m/clients', () => {
    expect(clientPath('m2m-client-test-9', 'rotate_start')).toBe(
      '/v1/m2m/clients/m2m-client-test-9/secrets/rotate/start',
    );
  });

  it('uses GET only for get', () => {
    expect(
      ['get', 'rotate_start', 'rotate', 'rotate_cancel'].map((op) => methodOf(op as never)),
    ).toEqual(['GET', 'POST', 'POST', 'POST']);
  });
});

describe('CLIENT_KINDS', () => {
  it('names the wrapper key and error types of each kind', () => {
    expect(CLIENT_KINDS.connected_app).toMatchObject({
      wrapperKey: 'connected_app',
      alreadyRotatingErrorType: 'connected_app_already_rotating_secret',
      notRotatingErrorType: 'connected_app_not_rotating_secret',
      notFoundErrorType: 'connected_app_not_found',
    });
    expect(CLIENT_KINDS.m2m_client).toMatchObject({
      wrapperKey: 'm2m_client',
      alreadyRotatingErrorType: 'm2m_client_already_rotating_secret',
      notRotatingErrorType: 'm2m_client_not_rotating_secret',
      notFoundErrorType: 'm2m_client_not_found',
    });
  });
});
