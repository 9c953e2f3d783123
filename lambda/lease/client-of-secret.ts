/** Which Stytch client's lease an actor takes for a secret. */
import { CLIENT_ID_TAG } from '../reconcile/tags.ts';
import { readCurrentValue } from '../rotation/versions.ts';
import type { SecretMetadata, SecretStore } from '../secrets/store.ts';
import { findClientKind } from '../stytch/kinds.ts';

/**
 * The client the secret names: its client-id tag when it holds a client id (no extra call), else
 * the `client_id` of AWSCURRENT's value, validated as the steps validate it. A tag that is not a
 * client id is never used (nor echoed: anything may have been pasted into it). A tag that disagrees with the value cannot mislead an actor: the guarded
 * Stytch client refuses any mutating call for a client other than the one leased.
 * @throws SecretValueError or RotationStateError when there is no usable AWSCURRENT value to read
 */
export async function clientIdOfSecret(
  store: SecretStore,
  metadata: SecretMetadata,
): Promise<string> {
  const tagged = metadata.tags[CLIENT_ID_TAG];
  if (tagged !== undefined && findClientKind(tagged) !== undefined) return tagged;
  return (await readCurrentValue(store, metadata)).clientId;
}
