import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthorization, type LocalStytch, startStytch } from '../../local/stytch/index.ts';

let stytch: LocalStytch;
let dispatcher: Agent;
let projectId: string;
let auth: string;

beforeAll(async () => {
  stytch = await startStytch();
  dispatcher = new Agent();
  const project = stytch.createProject();
  projectId = project.projectId;
  auth = basicAuthorization(project.projectId, project.secret);
});

afterEach(() => stytch.faults.clear());

afterAll(async () => {
  await dispatcher.close();
  await stytch.close();
});

function seedM2M(): { clientId: string; clientSecret: string } {
  return stytch.createClient(projectId, { kind: 'm2m' });
}

const clientPath = (clientId: string, suffix = '') =>
  `/v1/m2m/clients/${encodeURIComponent(clientId)}${suffix}`;

/** Sends a management call and returns undici's raw response (body not yet read). */
function send(method: 'GET' | 'POST', path: string) {
  return request(`${stytch.url}${path}`, {
    method,
    dispatcher,
    headers: { authorization: auth, 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: '{}' } : {}),
  });
}

async function call(method: 'GET' | 'POST', path: string) {
  const response = await send(method, path);
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (await response.body.json()) as Record<string, unknown>,
  };
}

const startRotation = (clientId: string) =>
  call('POST', clientPath(clientId, '/secrets/rotate/start'));
const isRotating = (clientId: string) => stytch.clientState(clientId).nextLastFour !== null;
const lastLogEntry = () => stytch.requestLog.at(-1);

describe('injected faults on the local Stytch', () => {
  it('fails only the Nth call with a 500 internal_server_error in Stytch shape', async () => {
    // Prepare
    const { clientId } = seedM2M();
    stytch.faults.add({ operation: 'm2m.get', nth: 2, action: { kind: 'status', status: 500 } });
    // Act
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await call('GET', clientPath(clientId)));
    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 500, 200]);
    expect(answers[1]?.body).toMatchObject({
      status_code: 500,
      error_type: 'internal_server_error',
    });
    expect(answers[1]?.body.request_id).toMatch(/^request-id-test-/);
  });

  it('answers 503 server_unavailable without applying the operation', async () => {
    // Prepare
    const { clientId } = seedM2M();
    stytch.faults.add({ operation: 'm2m.rotate_start', action: { kind: 'status', status: 503 } });
    // Act
    const { status, body } = await startRotation(clientId);
    // Assess
    expect([status, body.error_type]).toEqual([503, 'server_unavailable']);
    expect(isRotating(clientId)).toBe(false);
  });

  it('answers 429 too_many_requests with the Retry-After the rule names', async () => {
    // Prepare
    const { clientId } = seedM2M();
    stytch.faults.add({
      operation: 'm2m.rotate_start',
      action: { kind: 'status', status: 429, retryAfterSeconds: 7 },
    });
    // Act
    const { status, headers, body } = await startRotation(clientId);
    // Assess
    expect([status, body.error_type]).toEqual([429, 'too_many_requests']);
    expect(headers['retry-after']).toBe('7');
    expect(isRotating(clientId)).toBe(false);
  });

  it('rate-limits with a token bucket that answers 429 once the burst is spent', async () => {
    // Prepare
    const { clientId } = seedM2M();
    stytch.faults.setRateLimit({ perSecond: 0.01, burst: 2 });
    // Act
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await call('GET', clientPath(clientId)));
    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
    expect(answers[2]?.body.error_type).toBe('too_many_requests');
    expect(answers[2]?.headers['retry-after']).toBe('100');
    expect(lastLogEntry()).toMatchObject({
      operation: 'm2m.get',
      status: 429,
      fault: 'rate-limited',
    });
  });

  it('delays a call by the injected latency and still answers it', async () => {
    // Prepare
    const { clientId } = seedM2M();
    stytch.faults.add({ operation: 'm2m.get', action: { kind: 'latency', ms: 80 } });
    // Act
    const { status } = await call('GET', clientPath(clientId));
    // Assess: a lower bound the server measured itself, never an upper one.
    expect(status).toBe(200);
    expect(lastLogEntry()).toMatchObject({ operation: 'm2m.get', status: 200, fault: 'latency' });
    expect(lastLogEntry()?.durationMs).toBeGreaterThanOrEqual(75);
  });

  it('resets the connection before the operation runs: a socket error and no effect', async () => {
    // Prepare
    const { clientId } = seedM2M();
    stytch.faults.add({ operation: 'm2m.rotate_start', action: { kind: 'reset' } });
    // Act
    const attempt = send('POST', clientPath(clientId, '/secrets/rotate/start'));
    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(isRotating(clientId)).toBe(false);
    expect(lastLogEntry()).toMatchObject({
      operation: 'm2m.rotate_start',
      status: 0,
      fault: 'reset',
    });
  });

  it('loses the response of rotate_start after applying it: the caller sees a socket error, the client is rotating', async () => {
    // Prepare
    const { clientId, clientSecret } = seedM2M();
    stytch.faults.add({ operation: 'm2m.rotate_start', action: { kind: 'lost-response' } });
    // Act
    const attempt = send('POST', clientPath(clientId, '/secrets/rotate/start'));
    await expect(attempt).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    const retry = await startRotation(clientId);
    // Assess: the effect happened, and the lost next secret blocks a fresh start until cancelled.
    expect(isRotating(clientId)).toBe(true);
    expect(stytch.validSecretCount(clientId)).toBe(2);
    expect(stytch.isValidSecret(clientId, clientSecret)).toBe(true);
    expect([retry.status, retry.body.error_type]).toEqual([
      400,
      'm2m_client_already_rotating_secret',
    ]);
    expect(stytch.requestLog.at(-2)).toMatchObject({
      operation: 'm2m.rotate_start',
      status: 0,
      fault: 'lost-response',
    });
  });

  it('applies the operation and sends the headers of a slow body at once, the body only later', async () => {
    // Prepare
    const { clientId } = seedM2M();
    stytch.faults.add({ operation: 'm2m.rotate_start', action: { kind: 'slow-body', ms: 150 } });
    // Act
    const response = await send('POST', clientPath(clientId, '/secrets/rotate/start'));
    const rotatingWhenHeadersArrived = isRotating(clientId);
    const body = (await response.body.json()) as { m2m_client?: { next_client_secret?: string } };
    // Assess: a lower bound the server measured itself, never an upper one.
    expect(response.statusCode).toBe(200);
    expect(rotatingWhenHeadersArrived).toBe(true);
    expect(typeof body.m2m_client?.next_client_secret).toBe('string');
    expect(lastLogEntry()).toMatchObject({ operation: 'm2m.rotate_start', fault: 'slow-body' });
    expect(lastLogEntry()?.durationMs).toBeGreaterThanOrEqual(145);
  });

  it('answers a raw HTML page instead of JSON, without applying the operation', async () => {
    // Prepare
    const { clientId } = seedM2M();
    stytch.faults.add({
      operation: 'm2m.rotate_start',
      action: {
        kind: 'raw',
        status: 502,
        contentType: 'text/html',
        body: '<html><body>502 Bad Gateway</body></html>',
      },
    });
    // Act
    const response = await send('POST', clientPath(clientId, '/secrets/rotate/start'));
    const text = await response.body.text();
    // Assess
    expect(response.statusCode).toBe(502);
    expect(response.headers['content-type']).toBe('text/html');
    expect(text).toContain('Bad Gateway');
    expect(isRotating(clientId)).toBe(false);
  });

  it('answers malformed JSON with a 200 that a JSON reader rejects', async () => {
    // Prepare
    const { clientId } = seedM2M();
    stytch.faults.add({
      operation: 'm2m.get',
      action: {
        kind: 'raw',
        status: 200,
        contentType: 'application/json',
        body: '{"m2m_client": {',
      },
    });
    // Act
    const response = await send('GET', clientPath(clientId));
    // Assess
    expect(response.statusCode).toBe(200);
    await expect(response.body.json()).rejects.toBeInstanceOf(SyntaxError);
  });

  it('injects faults on the token endpoint in Stytch error shape, issuing no token', async () => {
    // Prepare
    const { clientId, clientSecret } = seedM2M();
    stytch.faults.add({ operation: 'oauth2.token', action: { kind: 'status', status: 500 } });
    const issuedBefore = stytch.tokensIssued;
    // Act
    const response = await request(`${stytch.url}/v1/public/${projectId}/oauth2/token`, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }).toString(),
    });
    const body = (await response.body.json()) as Record<string, unknown>;
    // Assess
    expect(response.statusCode).toBe(500);
    expect(body).toMatchObject({ status_code: 500, error_type: 'internal_server_error' });
    expect(stytch.tokensIssued).toBe(issuedBefore);
    expect(lastLogEntry()).toMatchObject({
      operation: 'oauth2.token',
      status: 500,
      fault: 'status',
    });
  });
});
