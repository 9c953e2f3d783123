import { afterEach, describe, expect, it } from 'vitest';
import { basicAuthorization } from '../../local/stytch/index.ts';
import { useStytch } from './stytch.harness.ts';

const local = useStytch();
const { call } = local;

afterEach(() => local.stytch.faults.clear());

describe('the management API', () => {
  const getPath = (clientId: string) => `/v1/m2m/clients/${encodeURIComponent(clientId)}`;

  it('answers 401 unauthorized_credentials without credentials, with a wrong secret, or for an unknown project', async () => {
    // Prepare
    const { clientId } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    const attempts = [
      undefined,
      basicAuthorization(local.projectId, `${local.project.secret}x`),
      basicAuthorization('project-test-00000000-0000-0000-0000-000000000000', local.project.secret),
      `Bearer ${local.project.secret}`,
    ];
    // Act
    const answers = await Promise.all(
      attempts.map((authorization) => call('GET', getPath(clientId), { authorization })),
    );
    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({
        status_code: 401,
        error_type: 'unauthorized_credentials',
      });
      expect(answer.body.request_id).toMatch(/^request-id-test-/);
      expect(answer.body.error_url).toContain('unauthorized_credentials');
    }
  });

  it('refuses rotation of a public Connected App with public_connected_apps_do_not_have_secrets', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, {
      kind: 'connected_app',
      clientType: 'third_party_public',
    });
    const path = `/v1/connected_apps/clients/${encodeURIComponent(clientId)}`;
    // Act
    const get = await call('GET', path, { authorization: local.auth });
    const start = await call('POST', `${path}/secrets/rotate/start`, { authorization: local.auth });
    // Assess
    expect(clientSecret === undefined).toBe(true);
    expect(get.status).toBe(200);
    expect(get.body.connected_app?.client_type).toBe('third_party_public');
    expect(get.body.connected_app?.client_secret_last_four).toBeNull();
    expect(start.status).toBe(400);
    expect(start.body.error_type).toBe('public_connected_apps_do_not_have_secrets');
    expect(local.stytch.validSecretCount(clientId)).toBe(0);
  });

  it('refuses a POST whose body is not a JSON object, without starting a rotation', async () => {
    // Prepare
    const { clientId } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    const path = `${getPath(clientId)}/secrets/rotate/start`;
    // Act
    const answers = await Promise.all([
      call('POST', path, { authorization: local.auth, body: '' }),
      call('POST', path, { authorization: local.auth, body: '[]' }),
      call('POST', path, { authorization: local.auth, body: '{}', contentType: 'text/plain' }),
    ]);
    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body.error_type).toBe('bad_request');
    }
    expect(local.stytch.clientState(clientId).nextLastFour).toBeNull();
  });

  it('decodes the URL-encoded client id in the path', async () => {
    // Prepare
    const { clientId } = local.stytch.createClient(local.projectId, { kind: 'connected_app' });
    const fullyEncoded = [...clientId]
      .map((char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .join('');
    // Act
    const { status, body } = await call('GET', `/v1/connected_apps/clients/${fullyEncoded}`, {
      authorization: local.auth,
    });
    // Assess
    expect(status).toBe(200);
    expect(body.connected_app?.client_id).toBe(clientId);
  });

  it('answers 404 route_not_found for an unknown path and 405 method_not_allowed for a wrong method', async () => {
    // Prepare
    const { clientId } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    // Act
    const unknown = await call('GET', `${getPath(clientId)}/secrets`, {
      authorization: local.auth,
    });
    const wrongMethod = await call('POST', getPath(clientId), { authorization: local.auth });
    // Assess
    expect([unknown.status, unknown.body.error_type]).toEqual([404, 'route_not_found']);
    expect([wrongMethod.status, wrongMethod.body.error_type]).toEqual([405, 'method_not_allowed']);
    expect(unknown.body.request_id).toMatch(/^request-id-test-/);
  });

  it("shows a rotation started behind the store's back and stamps it with the clock", async () => {
    // Prepare
    const { clientId } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    // Act
    const nextSecret = local.stytch.startRotation(clientId);
    const { body } = await call('GET', getPath(clientId), { authorization: local.auth });
    // Assess
    expect(body.m2m_client?.next_client_secret_last_four).toBe(nextSecret.slice(-4));
    expect(local.stytch.clientState(clientId).rotationStartedAt).toBeInstanceOf(Date);
  });

  it('logs each call by operation name and never a secret', async () => {
    // Prepare
    const { clientId } = local.stytch.createClient(local.projectId, { kind: 'connected_app' });
    const path = `/v1/connected_apps/clients/${encodeURIComponent(clientId)}`;
    const logStart = local.stytch.requestLog.length;
    // Act
    await call('GET', path, { authorization: local.auth });
    const started = await call('POST', `${path}/secrets/rotate/start`, {
      authorization: local.auth,
    });
    await call('POST', `${path}/secrets/rotate/cancel`, { authorization: local.auth });
    // Assess
    const entries = local.stytch.requestLog.slice(logStart);
    expect(entries.map((entry) => [entry.operation, entry.status])).toEqual([
      ['connected_apps.get', 200],
      ['connected_apps.rotate_start', 200],
      ['connected_apps.rotate_cancel', 200],
    ]);
    const nextSecret = started.body.connected_app?.next_client_secret ?? '';
    expect(nextSecret.length).toBeGreaterThan(0);
    expect(JSON.stringify(local.stytch.requestLog).includes(nextSecret)).toBe(false);
  });

  it('puts request_id and the HTTP status in every answer, success, error or injected fault', async () => {
    // Prepare
    const { clientId } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    local.stytch.faults.add({ operation: 'm2m.rotate', action: { kind: 'status', status: 500 } });
    const authorization = local.auth;
    // Act
    const answers = [
      await call('GET', getPath(clientId), { authorization }),
      await call('GET', getPath(clientId)),
      await call('GET', getPath('m2m-client-test-missing'), { authorization }),
      await call('POST', `${getPath(clientId)}/secrets/rotate/cancel`, { authorization }),
      await call('POST', `${getPath(clientId)}/secrets/rotate`, { authorization }),
      await call('GET', '/v1/nowhere', { authorization }),
    ];
    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 404, 400, 500, 404]);
    for (const { status, body } of answers) {
      expect(body.request_id).toMatch(/^request-id-test-[0-9a-f-]{36}$/);
      expect(body.status_code).toBe(status);
    }
  });
});
