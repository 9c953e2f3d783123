/**
 * Reading the two versions a rotation works with, parsed and validated. Every value read here is
 * checked against the secret's client-id tag (guards.ts), so no step acts on a value that names
 * another client than the one the secret was created for.
 */
import { RotationStateError } from '../errors.ts';
import { type ClientSecretValue, parseSecretValue } from '../secrets/secret-value.ts';
import { AWSCURRENT, AWSPENDING, type SecretMetadata, type SecretStore } from '../secrets/store.ts';
import { checkClientIdTag } from './guards.ts';

/** AWSCURRENT's value. A secret with no current value cannot be rotated. */
export async function readCurrentValue(
  store: SecretStore,
  metadata: SecretMetadata,
): Promise<ClientSecretValue> {
  const { arn } = metadata;
  const raw = await store.readValue(arn, { stage: AWSCURRENT });
  if (raw === undefined) {
    throw new RotationStateError(
      `${arn} has no AWSCURRENT value; store {"client_id": "…"} in it before rotating`,
    );
  }
  const where = `AWSCURRENT of ${arn}`;
  const value = parseSecretValue(raw, where);
  checkClientIdTag(metadata, value.clientId, where);
  return value;
}

/** The pending version's value, or `undefined` when createSecret has not stored one yet. */
export async function readPendingValue(
  store: SecretStore,
  metadata: SecretMetadata,
  token: string,
): Promise<ClientSecretValue | undefined> {
  const raw = await store.readValue(metadata.arn, { versionId: token, stage: AWSPENDING });
  if (raw === undefined) return undefined;
  const where = `version ${token} of ${metadata.arn}`;
  const value = parseSecretValue(raw, where);
  checkClientIdTag(metadata, value.clientId, where);
  return value;
}

/** The pending version's value, which must hold a client secret by now. */
export async function requirePendingSecret(
  store: SecretStore,
  metadata: SecretMetadata,
  token: string,
  step: string,
): Promise<{ value: ClientSecretValue; secret: string }> {
  return requireClientSecret(await readPendingValue(store, metadata, token), metadata, token, step);
}

/** The pending value and its client secret; without one, createSecret did not complete. */
export function requireClientSecret(
  value: ClientSecretValue | undefined,
  metadata: SecretMetadata,
  token: string,
  step: string,
): { value: ClientSecretValue; secret: string } {
  const secret = value?.clientSecret;
  if (value === undefined || secret === undefined) {
    throw new RotationStateError(
      `${step}: version ${token} of ${metadata.arn} holds no client secret, so createSecret did not ` +
        'complete; Secrets Manager retries the rotation from createSecret',
    );
  }
  return { value, secret };
}
