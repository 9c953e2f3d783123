import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthorization, type LocalStytch, startStytch } from '../../local/stytch/index.ts';

interface ClientObject {
  readonly client_id: string;
  readonly client_secret_last_four: string | null;
  readonly next_client_secret_last_four: string | null;
  readonly next_client_secret?: string;
  readonly [field: string]: unknown;
}

interface StytchAnswer {
  readonly request_id: string;
  readonly status_code: number;
  readonly error_type?: string;
  readonly error_message?: string;
  readonly error_url?: string;
  readonly connected_app?: ClientObject;
  readonly m2m_client?: ClientObject;
}

let stytch: LocalStytch;
let dispatcher: Agent;
let project: { projectId: string; secret: string };
let auth: string;

beforeAll(async () => {
  stytch = await startStytch();
  dispatcher = new Agent();
  project = stytch.createProject();
  auth = basicAuthorization(project.projectId, project.secret);
});

afterEach(() => stytch.faults.clear());

afterAll(async () => {
  await dispatcher.close();
  await stytch.close();
});

async function call(
  method: 'GET' | 'POST',
  path: string,
  options: { authorization?: string | undefined; body?: string; contentType?: string } = {},
): Promise<{ status: number; body: StytchAnswer }> {
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  if (method === 'POST') headers['content-type'] = options.contentType ?? 'application/json';
  const response = await request(`${stytch.url}${path}`, {
    method,
    dispatcher,
    headers,
    ...(method === 'POST' ? { body: options.body ?? '{}' } : {}),
  });
  return { status: response.statusCode, body: (await response.body.json()) as StytchAnswer };
}

describe('the management API', () => {
  const getPath = (clientId: string) => `/v1/m2m/clients/${encodeURIComponent(clientId)}`;

  it('answers 401 unauthorized_credentials without credentials, with a wrong secret, or for an unknown project', async () => {
    // Prepare
    const { clientId } = stytch.createClient(project.projectId, { kind: 'm2m' });
    const attempts = [
      undefined,
      basicAuthorization(project.projectId, `${project.secret}x`),
      basicAuthorization('project-test-00000000-0000-0000-0000-000000000000', project.secret),
      `Bearer ${project.secret}`,
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
    const { clientId, clientSecret } = stytch.createClient(project.projectId, {
      kind: 'connected_app',
      clientType: 'third_party_public',
    });
    const path = `/v1/connected_apps/clients/${encodeURIComponent(clientId)}`;
    // Act
    const get = await call('GET', path, { authorization: auth });
    const start = await call('POST', `${path}/secrets/rotate/start`, { authorization: auth });
    // Assess
    expect(clientSecret === undefined).toBe(true);
    expect(get.status).toBe(200);
    expect(get.body.connected_app?.client_type).toBe('third_party_public');
    expect(get.body.connected_app?.client_secret_last_four).toBeNull();
    expect(start.status).toBe(400);
    expect(start.body.error_type).toBe('public_connected_apps_do_not_have_secrets');
    expect(stytch.validSecretCount(clientId)).toBe(0);
  });

  it('refuses a POST whose body is not a JSON object, without starting a rotation', async () => {
    // Prepare
    const { clientId } = stytch.createClient(project.projectId, { kind: 'm2m' });
    const path = `${getPath(clientId)}/secrets/rotate/start`;
    // Act
    const answers = await Promise.all([
      call('POST', path, { authorization: auth, body: '' }),
      call('POST', path, { authorization: auth, body: '[]' }),
      call('POST', path, { authorization: auth, body: '{}', contentType: 'text/plain' }),
    ]);
    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body.error_type).toBe('bad_request');
    }
    expect(stytch.clientState(clientId).nextLastFour).toBeNull();
  });

  it('decodes the URL-encoded client id in the path', async () => {
    // Prepare
    const { clientId } = stytch.createClient(project.projectId, { kind: 'connected_app' });
    const fullyEncoded = [...clientId]
      .map((char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .join('');
    // Act
    const { status, body } = await call('GET', `/v1/connected_apps/clients/${fullyEncoded}`, {
      authorization: auth,
    });
    // Assess
    expect(status).toBe(200);
    expect(body.connected_app?.client_id).toBe(clientId);
  });

  it('answers 404 route_not_found for an unknown path and 405 method_not_allowed for a wrong method', async () => {
    // Prepare
    const { clientId } = stytch.createClient(project.projectId, { kind: 'm2m' });
    // Act
    const unknown = await call('GET', `${getPath(clientId)}/secrets`, { authorization: auth });
    const wrongMethod = await call('POST', getPath(clientId), { authorization: auth });
    // Assess
    expect([unknown.status, unknown.body.error_type]).toEqual([404, 'route_not_found']);
    expect([wrongMethod.status, wrongMethod.body.error_type]).toEqual([405, 'method_not_allowed']);
    expect(unknown.body.request_id).toMatch(/^request-id-test-/);
  });

  it("shows a rotation started behind the store's back and stamps it with the clock", async () => {
    // Prepare
    const { clientId } = stytch.createClient(project.projectId, { kind: 'm2m' });
    // Act
    const nextSecret = stytch.startRotation(clientId);
    const { body } = await call('GET', getPath(clientId), { authorization: auth });
    // Assess
    expect(body.m2m_client?.next_client_secret_last_four).toBe(nextSecret.slice(-4));
    expect(stytch.clientState(clientId).rotationStartedAt).toBeInstanceOf(Date);
  });

  it('logs each call by operation name and never a secret', async () => {
    // Prepare
    const { clientId } = stytch.createClient(project.projectId, { kind: 'connected_app' });
    const path = `/v1/connected_apps/clients/${encodeURIComponent(clientId)}`;
    const logStart = stytch.requestLog.length;
    // Act
    await call('GET', path, { authorization: auth });
    const started = await call('POST', `${path}/secrets/rotate/start`, { authorization: auth });
    await call('POST', `${path}/secrets/rotate/cancel`, { authorization: auth });
    // Assess
    const entries = stytch.requestLog.slice(logStart);
    expect(entries.map((entry) => [entry.operation, entry.status])).toEqual([
      ['connected_apps.get', 200],
      ['connected_apps.rotate_start', 200],
      ['connected_apps.rotate_cancel', 200],
    ]);
    const nextSecret = started.body.connected_app?.next_client_secret ?? '';
    expect(nextSecret.length).toBeGreaterThan(0);
    expect(JSON.stringify(stytch.requestLog).includes(nextSecret)).toBe(false);
  });

  it('puts request_id and the HTTP status in every answer, success, error or injected fault', async () => {
    // Prepare
    const { clientId } = stytch.createClient(project.projectId, { kind: 'm2m' });
    stytch.faults.add({ operation: 'm2m.rotate', action: { kind: 'status', status: 500 } });
    const authorization = auth;
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
