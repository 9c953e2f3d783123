import { randomUUID } from 'node:crypto';
import { AwsServiceError, checkLength, checkRange, epochSeconds, type Input } from '../aws-json.ts';
import type { OperationContext } from './operation-context.ts';
import { nextRotationDate, rotationRulesToWire } from './schedule.ts';
import { AWSCURRENT, addVersion, newSecret, type Secret, versionIdsToStages } from './state.ts';
import {
  checkSecretName,
  checkVersionId,
  invalidParameter,
  invalidRequest,
  MAX_TAGS_PER_SECRET,
  readSecretString,
  readTags,
} from './validation.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The metadata DescribeSecret and ListSecrets share. RotationEnabled is omitted until rotation is
 * first configured (what AWS shows for a never-rotated secret), so consumers must read a missing
 * flag as "off".
 */
export function secretMetadata(secret: Secret): Record<string, unknown> {
  return {
    ARN: secret.arn,
    Name: secret.name,
    Description: secret.description,
    RotationEnabled: secret.rotation.enabled,
    RotationLambdaARN: secret.rotation.lambdaArn,
    RotationRules: rotationRulesToWire(secret.rotation.rules),
    LastRotatedDate: epochSeconds(secret.lastRotatedDate),
    LastChangedDate: epochSeconds(secret.lastChangedDate),
    LastAccessedDate: epochSeconds(secret.lastAccessedDate),
    DeletedDate: epochSeconds(secret.deletedDate),
    NextRotationDate: epochSeconds(nextRotationDate(secret)),
    Tags: secret.tags.size > 0 ? tagsToWire(secret) : undefined,
    CreatedDate: epochSeconds(secret.createdDate),
  };
}

function tagsToWire(secret: Secret): Array<{ Key: string; Value: string }> {
  return [...secret.tags].map(([Key, Value]) => ({ Key, Value }));
}

/**
 * CreateSecret. With SecretString the first version is AWSCURRENT; without, there is no version.
 * AWS API reference, CreateSecret `ClientRequestToken`: a repeat with the same token and value is
 * ignored, so an SDK retry after a lost response succeeds; anything else on an existing name is
 * ResourceExistsException.
 */
export function createSecret(ctx: OperationContext, input: Input): object {
  const name = input.string('Name');
  checkSecretName(name);
  const token = input.optionalString('ClientRequestToken');
  checkVersionId('ClientRequestToken', token);
  const value = readSecretString(input);
  const description = input.optionalString('Description');
  checkLength('Description', description, 0, 2048);
  const tags = readTags(input);
  if (tags.length > MAX_TAGS_PER_SECRET)
    throw invalidParameter('a secret can have at most 50 tags');
  // KmsKeyId is accepted and ignored: the emulator does not encrypt.

  const existing = ctx.state.lookup(name);
  if (existing) {
    if (existing.deletedDate) {
      throw invalidRequest(
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    const repeated = token ? existing.versions.get(token) : undefined;
    if (repeated && value !== undefined && repeated.value === value) {
      return { ARN: existing.arn, Name: existing.name, VersionId: repeated.versionId };
    }
    throw new AwsServiceError(
      'ResourceExistsException',
      `The operation failed because the secret ${name} already exists.`,
    );
  }

  const secret = newSecret(ctx.state, name, description);
  for (const [key, tagValue] of tags) secret.tags.set(key, tagValue);
  let versionId: string | undefined;
  if (value !== undefined) {
    const version = addVersion(secret, token ?? randomUUID(), value, ctx.clock.now());
    version.stages.add(AWSCURRENT);
    versionId = version.versionId;
  }
  ctx.state.add(secret);
  return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
}

/** DescribeSecret; works on a secret scheduled for deletion (it shows DeletedDate). */
export function describeSecret(ctx: OperationContext, input: Input): object {
  const secret = ctx.state.find(input.string('SecretId'));
  return { ...secretMetadata(secret), VersionIdsToStages: versionIdsToStages(secret) };
}

/**
 * DeleteSecret (AWS API reference): RecoveryWindowInDays 7-30, default 30, or
 * ForceDeleteWithoutRecovery, never both. Deleting a secret already scheduled for deletion is
 * InvalidRequestException, as for any other change to it.
 */
export function deleteSecret(ctx: OperationContext, input: Input): object {
  const secret = ctx.state.findLive(input.string('SecretId'));
  const windowDays = input.optionalInteger('RecoveryWindowInDays');
  const force = input.optionalBoolean('ForceDeleteWithoutRecovery') ?? false;
  if (force && windowDays !== undefined) {
    throw invalidParameter(
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  }
  checkRange('RecoveryWindowInDays', windowDays, 7, 30);
  const now = ctx.clock.now();
  if (force) {
    ctx.state.remove(secret);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(now) };
  }
  secret.deletedDate = now;
  secret.deletionDate = new Date(now.getTime() + (windowDays ?? 30) * DAY_MS);
  secret.lastChangedDate = now;
  return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(secret.deletionDate) };
}

/**
 * RestoreSecret. Strictest plausible (AWS does not say): restoring a secret that is not scheduled
 * for deletion is InvalidRequestException, so a caller cannot mistake a no-op for a recovery.
 */
export function restoreSecret(ctx: OperationContext, input: Input): object {
  const secret = ctx.state.find(input.string('SecretId'));
  if (!secret.deletedDate) throw invalidRequest('the secret is not scheduled for deletion');
  secret.deletedDate = undefined;
  secret.deletionDate = undefined;
  secret.lastChangedDate = ctx.clock.now();
  return { ARN: secret.arn, Name: secret.name };
}

/** TagResource: appends tags, replacing the value of a key that exists; at most 50 tags. */
export function tagResource(ctx: OperationContext, input: Input): object {
  const secret = ctx.state.findLive(input.string('SecretId'));
  if (!input.has('Tags')) throw invalidParameter('Tags is required');
  const merged = new Map(secret.tags);
  for (const [key, value] of readTags(input)) merged.set(key, value);
  if (merged.size > MAX_TAGS_PER_SECRET) {
    throw new AwsServiceError('LimitExceededException', 'a secret can have at most 50 tags');
  }
  for (const [key, value] of merged) secret.tags.set(key, value);
  secret.lastChangedDate = ctx.clock.now();
  return {};
}

/** UntagResource: removes the named keys; a key the secret does not have is ignored. */
export function untagResource(ctx: OperationContext, input: Input): object {
  const secret = ctx.state.findLive(input.string('SecretId'));
  const keys = input.optionalStringList('TagKeys');
  if (!keys) throw invalidParameter('TagKeys is required');
  for (const key of keys) secret.tags.delete(key);
  secret.lastChangedDate = ctx.clock.now();
  return {};
}
