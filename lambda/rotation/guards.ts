/**
 * The entry checks every step passes, applied by the one runner (run-step.ts): AWS's template
 * checks in AWS's order (rotation enabled, the token is a version of the secret, the token already
 * AWSCURRENT means the step is done, otherwise the token must be AWSPENDING), and this function's
 * own: the secret is managed by this stack, its client-id tag matches its value, it has room for
 * the tags the rotation writes, and its AWSPENDING is not a stale leftover.
 */
import { RotationStateError, SecretNotManagedError, TagLimitError } from '../errors.ts';
import { CLIENT_ID_TAG, MAX_TAGS_PER_SECRET } from '../reconcile/tags.ts';
import { AWSCURRENT, AWSPENDING, type SecretMetadata, type VersionInfo } from '../secrets/store.ts';

export type GuardVerdict =
  /** The token's version is AWSPENDING and not yet AWSCURRENT: run the step. */
  | 'run'
  /** The token's version is already AWSCURRENT: the rotation has been promoted. */
  | 'already-current';

/** @throws RotationStateError when a guard fails; the message says what to do */
export function checkRotationGuards(metadata: SecretMetadata, token: string): GuardVerdict {
  if (!metadata.rotationEnabled) {
    throw new RotationStateError(
      `rotation is not enabled for ${metadata.arn}; enable it with RotateSecret or the stack's schedule`,
    );
  }
  const stages = metadata.versionStages[token];
  if (stages === undefined) {
    throw new RotationStateError(
      `version ${token} is not a version of ${metadata.arn}; Secrets Manager attaches AWSPENDING ` +
        'to it before the first step, so this event does not belong to a rotation of this secret',
    );
  }
  if (stages.includes(AWSCURRENT)) return 'already-current';
  if (!stages.includes(AWSPENDING)) {
    throw new RotationStateError(
      `version ${token} of ${metadata.arn} is not AWSPENDING (stages: ${stages.join(', ') || 'none'}); ` +
        'the rotation was abandoned, so start a new one',
    );
  }
  return 'run';
}

/**
 * The function acts only on secrets of its own stack: the managed tag (`STYTCH_MANAGED_TAG`) must be
 * on the secret with exactly this stack's value. Anyone who can create a secret and call
 * RotateSecret could otherwise point the function at any client of the project and get a fresh
 * valid secret for it, or cancel the one its real secret's consumers use.
 * @throws SecretNotManagedError (`SECRET_NOT_MANAGED`) before anything is read or called
 */
export function checkManagedSecret(
  metadata: SecretMetadata,
  managedTag: { readonly key: string; readonly value: string } | undefined,
): void {
  if (managedTag === undefined) {
    throw new SecretNotManagedError(
      'SECRET_NOT_MANAGED',
      `refusing to rotate ${metadata.arn}: STYTCH_MANAGED_TAG is not set, so this function cannot ` +
        "tell its stack's secrets from others; set it to the key=value tag the stack puts on them",
    );
  }
  const found = metadata.tags[managedTag.key];
  if (found !== managedTag.value) {
    throw new SecretNotManagedError(
      'SECRET_NOT_MANAGED',
      `refusing to rotate ${metadata.arn}: it is not managed by this stack (tag ${managedTag.key} ` +
        `is ${found === undefined ? 'missing' : `"${found}"`}, expected "${managedTag.value}"); ` +
        'nothing was changed. Point the secret at its own stack’s function, or tag it to adopt it',
    );
  }
}

/**
 * When the secret names its client in the client-id tag, the value must name the same one: a value
 * edited to another client_id would otherwise have this function rotate (or cancel) a client the
 * secret's consumers never used.
 * @throws SecretNotManagedError (`CLIENT_ID_MISMATCH`)
 */
export function checkClientIdTag(metadata: SecretMetadata, clientId: string, where: string): void {
  const tagged = metadata.tags[CLIENT_ID_TAG];
  if (tagged === undefined || tagged === clientId) return;
  throw new SecretNotManagedError(
    'CLIENT_ID_MISMATCH',
    `refusing to rotate ${metadata.arn}: ${where} names client ${clientId}, but its ${CLIENT_ID_TAG} ` +
      `tag names ${tagged}; nothing was changed. Restore the value's client_id, or correct the tag ` +
      'if the secret really moved to another client',
  );
}

/**
 * The rotation writes `keys` as tags later (finishSecret's overlap mark, a deferral); at Secrets
 * Manager's limit of 50 tags it could not, and an unmarked overlap would never complete. Checked
 * before any Stytch call, so such a secret is refused while nothing has changed.
 * @throws TagLimitError
 */
export function checkTagRoom(metadata: SecretMetadata, keys: readonly string[]): void {
  const present = Object.keys(metadata.tags).length;
  const missing = keys.filter((key) => !(key in metadata.tags));
  if (present + missing.length <= MAX_TAGS_PER_SECRET) return;
  throw new TagLimitError(
    `createSecret: ${metadata.arn} has ${present} tags; the rotation needs room for ` +
      `${missing.join(' and ')} and Secrets Manager allows at most ${MAX_TAGS_PER_SECRET}. Nothing ` +
      'was changed at Stytch; remove an unused tag from the secret, then rotate again',
  );
}

/**
 * An AWSPENDING on a version created before AWSCURRENT's is not a live rotation: it is left over
 * from one that was promoted and later superseded (a person's PutSecretValue after a rotation that
 * did not remove the label), or a rotation overtaken by such an edit. Running it would promote an
 * older value over the newer one, so the step removes the label instead (see run-step.ts).
 */
export function isStalePending(
  versions: readonly VersionInfo[],
  pendingVersionId: string,
  currentVersionId: string | undefined,
): boolean {
  const created = (id: string | undefined) =>
    versions.find((v) => v.versionId === id)?.createdDate?.getTime();
  const pending = created(pendingVersionId);
  const current = created(currentVersionId);
  return pending !== undefined && current !== undefined && pending < current;
}
