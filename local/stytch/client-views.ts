import type { ClientRecord } from './state.ts';

/**
 * The client object of a management answer, in the documented shape: `ConnectedApp` or `M2MClient`
 * (stytch-node v14 `lib/b2c/connected_apps.ts`, `lib/b2c/m2m.ts`). With `nextClientSecret` it is
 * the `…WithNextClientSecret` shape rotate_start answers with, the only place a secret appears.
 */
export function renderClient(
  client: ClientRecord,
  nextClientSecret?: string,
): Record<string, unknown> {
  const view = client.kind === 'm2m' ? renderM2MClient(client) : renderConnectedApp(client);
  return nextClientSecret === undefined ? view : { ...view, next_client_secret: nextClientSecret };
}

function secretFields(client: ClientRecord): Record<string, string | null> {
  return {
    client_secret_last_four: client.current?.lastFour ?? null,
    // Stytch: "Null if no `next_client_secret` exists."
    next_client_secret_last_four: client.next?.lastFour ?? null,
  };
}

function renderConnectedApp(client: ClientRecord): Record<string, unknown> {
  const firstParty = client.clientType?.startsWith('first_party') ?? false;
  return {
    client_id: client.clientId,
    client_name: client.name,
    client_description: client.description,
    status: 'active',
    client_type: client.clientType,
    redirect_urls: ['https://app.example.test/callback'],
    full_access_allowed: false,
    access_token_expiry_minutes: 60,
    access_token_template_content: '',
    post_logout_redirect_urls: [],
    bypass_consent_for_offline_access: firstParty,
    // Unconfirmed value: the SDKs type creation_method as a plain string without listing values.
    creation_method: 'api',
    ...secretFields(client),
    access_token_custom_audience: '',
    logo_url: '',
  };
}

function renderM2MClient(client: ClientRecord): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_name: client.name,
    client_description: client.description,
    status: 'active',
    scopes: [...client.scopes],
    ...secretFields(client),
    trusted_metadata: {},
  };
}
