import { describe, expect, it } from 'vitest';
import type { LocalRequest } from '../../local/http-server.ts';
import { ManualClock } from '../../local/manual-clock.ts';
import { AccessTokenIssuer } from '../../local/stytch/access-tokens.ts';
import { basicAuthorization } from '../../local/stytch/basic-auth.ts';
import { handleManagement, matchManagementPath } from '../../local/stytch/management-routes.ts';
import { StytchState } from '../../local/stytch/state.ts';
import { handleTokenRequest } from '../../local/stytch/token-endpoint.ts';

function localRequest(
  method: string,
  path: string,
  headers: LocalRequest['headers'],
  body = '',
): LocalRequest {
  return { method, path, query: new URLSearchParams(), headers, body };
}

describe('the Stytch handlers as plain functions', () => {
  it('matches the documented management paths to operations and rejects others', () => {
    // Prepare
    const id = 'connected-app-test-1';
    // Act
    const operations = [
      `/v1/connected_apps/clients/${id}`,
      `/v1/connected_apps/clients/${id}/secrets/rotate/start`,
      `/v1/connected_apps/clients/${id}/secrets/rotate`,
      `/v1/m2m/clients/${id}/secrets/rotate/cancel`,
      `/v1/m2m/clients/${id}/secrets/rotate/finish`,
      `/v2/m2m/clients/${id}`,
      '/v1/m2m/clients/',
      '/v1/m2m/clients/%E0%A4%A',
    ].map((path) => matchManagementPath(path)?.operation);
    // Assess
    expect(operations).toEqual([
      'connected_apps.get',
      'connected_apps.rotate_start',
      'connected_apps.rotate',
      'm2m.rotate_cancel',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('stamps rotate_start with the injected clock and answers the next secret once', () => {
    // Prepare
    const clock = new ManualClock(new Date('2026-05-01T00:00:00Z'));
    const state = new StytchState(clock);
    const project = state.createProject();
    const { clientId } = state.createClient(project.projectId, { kind: 'm2m' });
    const path = `/v1/m2m/clients/${clientId}/secrets/rotate/start`;
    const route = matchManagementPath(path);
    const headers = {
      authorization: basicAuthorization(project.projectId, project.secret),
      'content-type': 'application/json',
    };
    if (!route) throw new Error('route did not match');
    // Act
    const reply = handleManagement(state, route, localRequest('POST', path, headers, '{}'));
    // Assess
    const body = reply.body as { m2m_client: { next_client_secret?: string } };
    expect(reply.status).toBe(200);
    expect(typeof body.m2m_client.next_client_secret).toBe('string');
    expect(state.clients.get(clientId)?.rotationStartedAt).toEqual(clock.now());
  });

  it('refuses repeated form parameters with invalid_request, as RFC 6749 section 3.2 requires', () => {
    // Prepare
    const state = new StytchState(new ManualClock());
    const project = state.createProject();
    const body = 'grant_type=client_credentials&grant_type=client_credentials&client_id=x';
    const request = localRequest(
      'POST',
      `/v1/public/${project.projectId}/oauth2/token`,
      { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    );
    // Act
    const reply = handleTokenRequest(
      { state, tokens: new AccessTokenIssuer(state.clock), behaviour: 'rfc6749' },
      project.projectId,
      request,
    );
    // Assess
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: 'invalid_request' });
  });
});
