/**
 * Whose overlap the overlap-since mark dates. finishSecret marks the version it promoted; a person's
 * PutSecretValue during the overlap (an added key, the same client secret) then moves AWSCURRENT to
 * a new version while the mark still names the promoted one. The overlap belongs to the client
 * secret, not to the version that holds it: it opened when that secret was promoted, so the mark
 * still dates AWSCURRENT's overlap. Re-marking it from the pass's time instead would keep the old
 * secret valid past its due time, and a pass that re-marks never completes it the same turn.
 */
import { SecretValueError } from '../errors.ts';
import { type ClientSecretValue, parseSecretValue } from '../secrets/secret-value.ts';
import type { SecretStore } from '../secrets/store.ts';
import type { OverlapSince } from './tags.ts';

/**
 * True when the version `mark` names (not AWSCURRENT's) holds exactly AWSCURRENT's client secret,
 * compared in full: a last-four match alone could complete the overlap of another secret early.
 * A version that is gone, holds no secret or does not parse dates nothing.
 */
export async function markHoldsCurrentSecret(
  store: Pick<SecretStore, 'readValue'>,
  arn: string,
  mark: OverlapSince,
  current: ClientSecretValue,
): Promise<boolean> {
  const secret = current.clientSecret;
  if (secret === undefined) return false;
  const raw = await store.readValue(arn, { versionId: mark.versionId });
  if (raw === undefined) return false;
  let marked: ClientSecretValue;
  try {
    marked = parseSecretValue(raw, `version ${mark.versionId} of ${arn}`);
  } catch (error) {
    if (error instanceof SecretValueError) return false;
    throw error;
  }
  return marked.clientId === current.clientId && marked.clientSecret === secret;
}

/** Whether two reads of the mark found the same one (the same version and time). */
export function sameMark(a: OverlapSince | undefined, b: OverlapSince | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.versionId === b.versionId &&
    a.since.getTime() === b.since.getTime()
  );
}
