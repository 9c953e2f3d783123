/** Reading the two versions a rotation works with, parsed and validated. */
import { RotationStateError } from '../errors.ts';
import { type ClientSecretValue, parseSecretValue } from '../secrets/secret-value.ts';
import { AWSCURRENT, AWSPENDING, type SecretStore } from '../secrets/store.ts';

/** AWSCURRENT's value. A secret with no current value cannot be rotated. */
export async function readCurrentValue(
  store: SecretStore,
  arn: string,
): Promise<ClientSecretValue> {
  const raw = await store.readValue(arn, { stage: AWSCURRENT });
  if (raw === undefined) {
    throw new RotationStateError(
      `${arn} has no AWSCURRENT value; store {"client_id": "…"} in it before rotating`,
    );
  }
  return parseSecretValue(raw, `AWSCURRENT of ${arn}`);
}

/** The pending version's value, or `undefined` when createSecret has not stored one yet. */
export async function readPendingValue(
  store: SecretStore,
  arn: string,
  token: string,
): Promise<ClientSecretValue | undefined> {
  const raw = await store.readValue(arn, { versionId: token, stage: AWSPENDING });
  return raw === undefined ? undefined : parseSecretValue(raw, `version ${token} of ${arn}`);
}

/** The pending version's value, which must hold a client secret by now. */
export async function requirePendingSecret(
  store: SecretStore,
  arn: string,
  token: string,
  step: string,
): Promise<{ value: ClientSecretValue; secret: string }> {
  const value = await readPendingValue(store, arn, token);
  const secret = value?.clientSecret;
  if (value === undefined || secret === undefined) {
    throw new RotationStateError(
      `${step}: version ${token} of ${arn} holds no client secret, so createSecret did not ` +
        'complete; Secrets Manager retries the rotation from createSecret',
    );
  }
  return { value, secret };
}
