/** Which Stytch client's lease an actor takes for a secret. */
import { CLIENT_ID_TAG } from '../reconcile/tags.ts';
import { readCurrentValue } from '../rotation/versions.ts';
import type { SecretMetadata, SecretStore } from '../secrets/store.ts';

/**
 * The client the secret names: its client-id tag when present (no extra call), else the `client_id`
 * of AWSCURRENT's value. A tag that disagrees with the value cannot mislead an actor: the guarded
 * Stytch client refuses any mutating call for a client other than the one leased.
 * @throws SecretValueError or RotationStateError when there is no usable AWSCURRENT value to read
 */
export async function clientIdOfSecret(
  store: SecretStore,
  metadata: SecretMetadata,
): Promise<string> {
  const tagged = metadata.tags[CLIENT_ID_TAG];
  if (tagged !== undefined && tagged !== '') return tagged;
  return (await readCurrentValue(store, metadata.arn)).clientId;
}
