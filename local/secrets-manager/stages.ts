import { AwsServiceError } from '../aws-json.ts';
import {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  holderOf,
  type Secret,
  type SecretVersion,
} from './state.ts';

/** Told when AWSPENDING leaves a version that is not AWSCURRENT: that rotation is abandoned. */
export interface StageObserver {
  pendingAbandoned(secret: Secret, version: SecretVersion): void;
}

/** AWS quotas: "up to 20 staging labels per version". */
const MAX_STAGES_PER_VERSION = 20;
/** AWS keeps at most 100 deprecated versions and never prunes one younger than 24 hours. */
const MAX_DEPRECATED_VERSIONS = 100;
const PRUNE_MIN_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * Attaches `stage` to `target`, taking it from the version that held it. Moving AWSCURRENT gives
 * the version it left AWSPREVIOUS, taken from wherever that was (AWS API reference,
 * UpdateSecretVersionStage and PutSecretValue).
 */
export function attachStage(
  secret: Secret,
  stage: string,
  target: SecretVersion,
  observer: StageObserver,
): void {
  const holder = holderOf(secret, stage);
  if (holder === target) return;
  if (target.stages.size >= MAX_STAGES_PER_VERSION) {
    throw new AwsServiceError(
      'LimitExceededException',
      `a version can have at most ${MAX_STAGES_PER_VERSION} staging labels`,
    );
  }
  if (holder) detachStage(secret, stage, holder, observer);
  target.stages.add(stage);
  if (stage === AWSCURRENT && holder) {
    holderOf(secret, AWSPREVIOUS)?.stages.delete(AWSPREVIOUS);
    holder.stages.add(AWSPREVIOUS);
  }
}

/** Removes `stage` from `version`, reporting an abandoned rotation when that is what it means. */
export function detachStage(
  secret: Secret,
  stage: string,
  version: SecretVersion,
  observer: StageObserver,
): void {
  if (!version.stages.delete(stage)) return;
  if (stage === AWSPENDING && !version.stages.has(AWSCURRENT)) {
    observer.pendingAbandoned(secret, version);
  }
}

/** Drops the oldest unlabelled versions beyond AWS's quota, sparing any younger than 24 hours. */
export function pruneDeprecatedVersions(secret: Secret, now: Date): void {
  const deprecated = [...secret.versions.values()]
    .filter((version) => version.stages.size === 0)
    .sort((a, b) => a.createdDate.getTime() - b.createdDate.getTime());
  let excess = deprecated.length - MAX_DEPRECATED_VERSIONS;
  for (const version of deprecated) {
    if (excess <= 0) break;
    if (now.getTime() - version.createdDate.getTime() < PRUNE_MIN_AGE_MS) continue;
    secret.versions.delete(version.versionId);
    excess -= 1;
  }
}
