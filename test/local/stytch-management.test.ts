import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../local/stytch/index.ts';
import { type ClientObject, type StytchAnswer, useStytch } from './stytch.harness.ts';

const local = useStytch();
const { call } = local;

const KINDS = [
  {
    kind: 'connected_app',
    segment: 'connected_apps',
    wrapperKey: 'connected_app',
    errorPrefix: 'connected_app',
    idPrefix: /^connected-app-test-[0-9a-f-]{36}$/,
    fields: [
      'client_id',
      'client_name',
      'client_description',
      'status',
      'client_type',
      'redirect_urls',
      'full_access_allowed',
      'access_token_expiry_minutes',
      'access_token_template_content',
      'post_logout_redirect_urls',
      'bypass_consent_for_offline_access',
      'creation_method',
      'client_secret_last_four',
      'next_client_secret_last_four',
    ],
  },
  {
    kind: 'm2m',
    segment: 'm2m',
    wrapperKey: 'm2m_client',
    errorPrefix: 'm2m_client',
    idPrefix: /^m2m-client-test-[0-9a-f-]{36}$/,
    fields: [
      'client_id',
      'client_name',
      'client_description',
      'status',
      'scopes',
      'client_secret_last_four',
      'next_client_secret_last_four',
    ],
  },
] as const;

describe.each(KINDS)('the $kind management API', (k) => {
  const path = (clientId: string, suffix = '') =>
    `/v1/${k.segment}/clients/${encodeURIComponent(clientId)}${suffix}`;
  const seed = () => local.stytch.createClient(local.projectId, { kind: k.kind });
  const wrapped = (answer: StytchAnswer) => answer[k.wrapperKey] as ClientObject;

  it('answers get with the documented client object under its wrapper key', async () => {
    // Prepare
    const { clientId, clientSecret } = seed();
    // Act
    const { status, body } = await call('GET', path(clientId), { authorization: local.auth });
    // Assess
    expect(status).toBe(200);
    expect(body.status_code).toBe(200);
    expect(body.request_id).toMatch(/^request-id-test-[0-9a-f-]{36}$/);
    const client = wrapped(body);
    expect(client.client_id).toMatch(k.idPrefix);
    expect(client.client_id).toBe(clientId);
    expect(Object.keys(client)).toEqual(expect.arrayContaining([...k.fields]));
    expect(client.status).toBe('active');
    expect(client.client_secret_last_four).toBe(clientSecret.slice(-4));
    expect(client.next_client_secret_last_four).toBeNull();
    expect('next_client_secret' in client).toBe(false);
  });

  it('rotate_start returns the next secret once and keeps both secrets valid until rotate', async () => {
    // Prepare
    const { clientId, clientSecret } = seed();
    // Act
    const started = await call('POST', path(clientId, '/secrets/rotate/start'), {
      authorization: local.auth,
    });
    const nextSecret = wrapped(started.body).next_client_secret ?? '';
    const during = await call('GET', path(clientId), { authorization: local.auth });
    const bothValid = [
      local.stytch.isValidSecret(clientId, clientSecret),
      local.stytch.isValidSecret(clientId, nextSecret),
    ];
    const rotated = await call('POST', path(clientId, '/secrets/rotate'), {
      authorization: local.auth,
    });
    // Assess
    expect(started.status).toBe(200);
    expect(nextSecret.length).toBe(43);
    expect(wrapped(started.body).next_client_secret_last_four).toBe(nextSecret.slice(-4));
    expect(wrapped(started.body).client_secret_last_four).toBe(clientSecret.slice(-4));
    expect('next_client_secret' in wrapped(during.body)).toBe(false);
    expect(wrapped(during.body).next_client_secret_last_four).toBe(nextSecret.slice(-4));
    expect(bothValid).toEqual([true, true]);
    expect(rotated.status).toBe(200);
    expect(wrapped(rotated.body).client_secret_last_four).toBe(nextSecret.slice(-4));
    expect(wrapped(rotated.body).next_client_secret_last_four).toBeNull();
    expect(local.stytch.isValidSecret(clientId, clientSecret)).toBe(false);
    expect(local.stytch.isValidSecret(clientId, nextSecret)).toBe(true);
    expect(local.stytch.validSecretCount(clientId)).toBe(1);
  });

  it(`a second rotate_start answers 400 ${k.errorPrefix}_already_rotating_secret`, async () => {
    // Prepare
    const { clientId } = seed();
    const firstNext = local.stytch.startRotation(clientId);
    // Act
    const { status, body } = await call('POST', path(clientId, '/secrets/rotate/start'), {
      authorization: local.auth,
    });
    // Assess
    expect(status).toBe(400);
    expect(body.error_type).toBe(`${k.errorPrefix}_already_rotating_secret`);
    expect(local.stytch.isValidSecret(clientId, firstNext)).toBe(true);
    expect(local.stytch.validSecretCount(clientId)).toBe(2);
  });

  it(`rotate and rotate_cancel answer 400 ${k.errorPrefix}_not_rotating_secret when none is open`, async () => {
    // Prepare
    const { clientId, clientSecret } = seed();
    // Act
    const rotate = await call('POST', path(clientId, '/secrets/rotate'), {
      authorization: local.auth,
    });
    const cancel = await call('POST', path(clientId, '/secrets/rotate/cancel'), {
      authorization: local.auth,
    });
    // Assess
    expect([rotate.status, cancel.status]).toEqual([400, 400]);
    expect(rotate.body.error_type).toBe(`${k.errorPrefix}_not_rotating_secret`);
    expect(cancel.body.error_type).toBe(`${k.errorPrefix}_not_rotating_secret`);
    expect(local.stytch.isValidSecret(clientId, clientSecret)).toBe(true);
  });

  it('rotate_cancel discards the next secret and keeps the current one', async () => {
    // Prepare
    const { clientId, clientSecret } = seed();
    const nextSecret = local.stytch.startRotation(clientId);
    // Act
    const { status, body } = await call('POST', path(clientId, '/secrets/rotate/cancel'), {
      authorization: local.auth,
    });
    // Assess
    expect(status).toBe(200);
    expect(wrapped(body).next_client_secret_last_four).toBeNull();
    expect(wrapped(body).client_secret_last_four).toBe(clientSecret.slice(-4));
    expect(local.stytch.isValidSecret(clientId, nextSecret)).toBe(false);
    expect(local.stytch.isValidSecret(clientId, clientSecret)).toBe(true);
    expect(local.stytch.validSecretCount(clientId)).toBe(1);
  });

  it(`answers 404 ${k.errorPrefix}_not_found for unknown, foreign, other-kind and deleted clients`, async () => {
    // Prepare
    const other = local.stytch.createProject();
    const foreign = local.stytch.createClient(other.projectId, { kind: k.kind });
    const otherKind = local.stytch.createClient(local.projectId, {
      kind: k.kind === 'm2m' ? 'connected_app' : 'm2m',
    });
    const deleted = seed();
    local.stytch.deleteClient(deleted.clientId);
    const ids = [`${k.segment}-unknown`, foreign.clientId, otherKind.clientId, deleted.clientId];
    // Act
    const answers = await Promise.all(
      ids.map((id) => call('GET', path(id), { authorization: local.auth })),
    );
    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body.error_type).toBe(`${k.errorPrefix}_not_found`);
    }
    expect(local.stytch.clientState(foreign.clientId).nextLastFour).toBeNull();
  });

  it('stores only hashes: after rotate_start the state holds no plaintext secret', async () => {
    // Prepare
    const { clientId, clientSecret } = seed();
    // Act
    const started = await call('POST', path(clientId, '/secrets/rotate/start'), {
      authorization: local.auth,
    });
    const nextSecret = wrapped(started.body).next_client_secret ?? '';
    const everything = inspect(local.stytch.state, {
      depth: Number.POSITIVE_INFINITY,
      maxArrayLength: null,
      maxStringLength: null,
      showHidden: true,
    });
    // Assess: booleans, so a failure never prints a secret.
    expect(nextSecret.length).toBeGreaterThan(0);
    expect(everything.includes(clientSecret)).toBe(false);
    expect(everything.includes(nextSecret)).toBe(false);
    expect(everything.includes(local.project.secret)).toBe(false);
    expect(everything.includes(hashSecret(nextSecret))).toBe(true);
    expect(local.stytch.validSecretHashes(clientId)).toEqual([
      hashSecret(clientSecret),
      hashSecret(nextSecret),
    ]);
  });
});
