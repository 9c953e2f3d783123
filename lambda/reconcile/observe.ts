/**
 * Reads everything the reconcile and the operator CLI judge a secret by: its labelled versions (with
 * the last four of each stored client secret), its bookkeeping tags, and Stytch's view of the
 * client. Secrets Manager is read before Stytch on purpose: a rotation attaches AWSPENDING before it
 * calls rotate_start, so a next secret seen at Stytch without a pending version seen first is either
 * stray or belongs to a rotation that started in between, which the actions' re-checks catch.
 */
import { RotationStateError, SecretValueError, StytchApiError } from '../errors.ts';
import { checkClientIdTag } from '../rotation/guards.ts';
import { type ClientSecretValue, lastFour, parseSecretValue } from '../secrets/secret-value.ts';
import {
  AWSCURRENT,
  AWSPENDING,
  type SecretMetadata,
  type SecretStore,
  versionWithStage,
} from '../secrets/store.ts';
import type { CallOptions, StytchClient } from '../stytch/client.ts';
import { CLIENT_KINDS, type ClientKind, findClientKind } from '../stytch/kinds.ts';
import { markHoldsCurrentSecret } from './overlap-mark.ts';
import {
  DEFERRED_TAG,
  type DeferredRotation,
  LAST_ERROR_TAG,
  type LastError,
  OVERLAP_SINCE_TAG,
  type OverlapSince,
  parseDeferred,
  parseLastError,
  parseOverlapSince,
} from './tags.ts';

/** One labelled version, without its value. */
export interface StoredVersion {
  readonly versionId: string;
  readonly stages: readonly string[];
  /** Known when the version dates were read (always for a pending version). */
  readonly createdDate: Date | undefined;
  /** False for a pending version createSecret has not filled yet. */
  readonly hasValue: boolean;
  /** The last four of its client secret; `null` when it holds none (before the first rotation). */
  readonly secretLastFour: string | null;
}

/** Stytch's view of the client, or why there is none. */
export type StytchView =
  | {
      readonly kind: 'found';
      readonly current: string | null;
      readonly next: string | null;
      readonly requestId: string | undefined;
    }
  | { readonly kind: 'not-found'; readonly requestId: string | undefined }
  | { readonly kind: 'unauthorized'; readonly requestId: string | undefined };

/** A managed secret as observed now. Holds last fours only, never a secret. */
export interface ObservedSecret {
  readonly arn: string;
  readonly name: string;
  readonly clientId: string;
  readonly clientKind: ClientKind;
  readonly versions: readonly StoredVersion[];
  readonly current: StoredVersion;
  /** The version carrying AWSPENDING when it is not AWSCURRENT: a rotation that has not finished. */
  readonly pending: StoredVersion | undefined;
  readonly overlapSince: OverlapSince | undefined;
  /**
   * True when `overlapSince` names an older version that holds AWSCURRENT's client secret (a
   * person's PutSecretValue during the overlap): the mark then dates AWSCURRENT's overlap too (see
   * overlap-mark.ts). Judged only while Stytch's next secret is AWSCURRENT's, i.e. the overlap is open.
   */
  readonly overlapSinceCarriesOver?: boolean;
  /** A rotation deferred by an open overlap (OVERLAP_OPEN), waiting for the reconcile. */
  readonly deferred?: DeferredRotation | undefined;
  readonly lastError: LastError | undefined;
  readonly lastRotatedDate: Date | undefined;
  readonly nextRotationDate: Date | undefined;
  /** Whether Secrets Manager has a rotation configured (RotateSecret needs one). */
  readonly rotationEnabled?: boolean;
  /**
   * True when only AWSCURRENT's value was read (ObserveOptions.reads): `versions` then holds only
   * AWSCURRENT and `pending` is not known, so drift cannot be judged from it.
   */
  readonly partial?: boolean;
  readonly stytch: StytchView;
}

export interface ObserveOptions {
  /** Read every version's creation date, not only a pending version's (the CLI shows them). */
  readonly allVersionDates?: boolean;
  /**
   * Which values to read: every labelled version's (the default), or only AWSCURRENT's, for a move
   * that acts on AWSCURRENT alone (completing or marking its overlap, bootstrapping it). A partial
   * observation lists only AWSCURRENT in `versions`.
   */
  readonly reads?: 'current' | 'all';
  /**
   * The secret's metadata as a listing returned it moments ago, instead of a DescribeSecret now.
   * Only for a partial observation: every move re-describes before it acts anyway.
   */
  readonly listed?: SecretMetadata;
}

/**
 * Observes one secret.
 * @throws RotationStateError when the secret has no AWSCURRENT version, SecretValueError when
 *   AWSCURRENT's value is unusable, SecretNotManagedError (CLIENT_ID_MISMATCH) when it names
 *   another client than the secret's client-id tag, SecretStoreError / StytchError when a call fails (Stytch's
 *   not-found and 401 answers are observations, not failures)
 */
export async function observeSecret(
  deps: { readonly store: SecretStore; readonly stytch: StytchClient },
  secretId: string,
  call: CallOptions,
  options: ObserveOptions = {},
): Promise<ObservedSecret> {
  const partial = options.reads === 'current';
  const metadata =
    partial && options.listed !== undefined ? options.listed : await deps.store.describe(secretId);
  const currentId = versionWithStage(metadata, AWSCURRENT);
  if (currentId === undefined) {
    throw new RotationStateError(
      `${metadata.name} has no AWSCURRENT version; store {"client_id": "…"} in it`,
    );
  }
  const pendingId = pendingVersionOf(metadata);
  const dates =
    options.allVersionDates || (pendingId !== undefined && !partial)
      ? new Map((await deps.store.listVersions(metadata.arn)).map((v) => [v.versionId, v]))
      : undefined;
  // A value is read only when a move may act on its version (see ObserveOptions.reads).
  const labelled = Object.entries(metadata.versionStages).filter(
    ([versionId, stages]) => stages.length > 0 && (!partial || versionId === currentId),
  );
  let client: ClientSecretValue | undefined;
  const versions = await Promise.all(
    labelled.map(async ([versionId, stages]): Promise<StoredVersion> => {
      const raw = await deps.store.readValue(metadata.arn, { versionId });
      const createdDate = dates?.get(versionId)?.createdDate;
      if (raw === undefined) {
        return { versionId, stages, createdDate, hasValue: false, secretLastFour: null };
      }
      const where = `version ${versionId} of ${metadata.name}`;
      const value = parseLenient(raw, where, versionId === currentId);
      if (versionId === currentId && value !== undefined) client = value;
      const secret = value?.clientSecret;
      return {
        versionId,
        stages,
        createdDate,
        hasValue: true,
        secretLastFour: secret === undefined ? null : lastFour(secret),
      };
    }),
  );
  const current = versions.find((v) => v.versionId === currentId);
  if (current === undefined || client === undefined) {
    throw new RotationStateError(`AWSCURRENT of ${metadata.name} has no value`);
  }
  const { clientId } = client;
  // The reconcile acts on the client the value names; one the secret was not made for is refused.
  checkClientIdTag(metadata, clientId, `AWSCURRENT of ${metadata.name}`);
  const overlapSince = parseOverlapSince(metadata.tags[OVERLAP_SINCE_TAG]);
  const stytch = await viewAtStytch(deps.stytch, clientId, call);
  // Another version's value is read only when an open overlap's mark may have to be carried over.
  const overlapOpen =
    stytch.kind === 'found' && stytch.next !== null && stytch.next === current.secretLastFour;
  const overlapSinceCarriesOver =
    overlapOpen &&
    overlapSince !== undefined &&
    overlapSince.versionId !== currentId &&
    (await markHoldsCurrentSecret(deps.store, metadata.arn, overlapSince, client));
  return {
    arn: metadata.arn,
    name: metadata.name,
    clientId,
    clientKind: client.kind,
    versions,
    current,
    pending: partial ? undefined : versions.find((v) => v.versionId === pendingId),
    overlapSince,
    overlapSinceCarriesOver,
    deferred: parseDeferred(metadata.tags[DEFERRED_TAG]),
    lastError: parseLastError(metadata.tags[LAST_ERROR_TAG]),
    lastRotatedDate: metadata.lastRotatedDate,
    nextRotationDate: metadata.nextRotationDate,
    rotationEnabled: metadata.rotationEnabled,
    partial,
    stytch,
  };
}

/** The version carrying AWSPENDING, when that is not AWSCURRENT's version. */
export function pendingVersionOf(metadata: SecretMetadata): string | undefined {
  const pending = versionWithStage(metadata, AWSPENDING);
  return pending !== undefined && pending !== versionWithStage(metadata, AWSCURRENT)
    ? pending
    : undefined;
}

/** The last fours of every stored client secret: what the store "holds". */
export function heldLastFours(observed: Pick<ObservedSecret, 'versions'>): ReadonlySet<string> {
  return new Set(observed.versions.flatMap((v) => (v.secretLastFour ? [v.secretLastFour] : [])));
}

/** Stytch's state of the client; its not-found and 401 answers are what the planner reports. */
export async function viewAtStytch(
  stytch: StytchClient,
  clientId: string,
  call: CallOptions,
): Promise<StytchView> {
  try {
    const state = await stytch.getClient(clientId, call);
    return {
      kind: 'found',
      current: state.clientSecretLastFour,
      next: state.nextClientSecretLastFour,
      requestId: state.requestId,
    };
  } catch (error) {
    if (!(error instanceof StytchApiError)) throw error;
    const kind = findClientKind(clientId);
    const notFound = kind === undefined ? undefined : CLIENT_KINDS[kind].notFoundErrorType;
    if (error.status === 404 || error.errorType === notFound) {
      return { kind: 'not-found', requestId: error.requestId };
    }
    if (error.status === 401) return { kind: 'unauthorized', requestId: error.requestId };
    throw error;
  }
}

/** AWSCURRENT must parse; an odd older version only loses its last four. */
function parseLenient(raw: string, where: string, strict: boolean) {
  try {
    return parseSecretValue(raw, where);
  } catch (error) {
    if (strict || !(error instanceof SecretValueError)) throw error;
    return undefined;
  }
}
