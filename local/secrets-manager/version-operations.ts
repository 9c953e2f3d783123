import { randomUUID } from 'node:crypto';
import { AwsServiceError, checkLength, epochSeconds, type Input } from '../aws-json.ts';
import type { OperationContext } from './operation-context.ts';
import { attachStage, detachStage, pruneDeprecatedVersions } from './stages.ts';
import { AWSCURRENT, addVersion, holderOf, type Secret, type SecretVersion } from './state.ts';
import { checkVersionId, invalidParameter, readSecretString } from './validation.ts';

const MAX_STAGES_PER_VERSION = 20;

function valueNotFound(detail: string): AwsServiceError {
  return new AwsServiceError(
    'ResourceNotFoundException',
    `Secrets Manager can't find the specified secret value for ${detail}`,
  );
}

function versionOf(secret: Secret, versionId: string): SecretVersion {
  const version = secret.versions.get(versionId);
  if (!version) {
    throw new AwsServiceError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret version: ${versionId}`,
    );
  }
  return version;
}

function readStage(input: Input, member: string): string | undefined {
  const stage = input.optionalString(member);
  checkLength(member, stage, 1, 256);
  return stage;
}

/** AWS truncates LastAccessedDate to the day ("the date, not the time"). */
function accessDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * GetSecretValue (AWS API reference): VersionId and/or VersionStage, AWSCURRENT when neither.
 * ResourceNotFoundException for a version without a value (the empty AWSPENDING version
 * RotateSecret creates) and when VersionStage is not on the VersionId given.
 */
export function getSecretValue(ctx: OperationContext, input: Input): object {
  const secret = ctx.state.findLive(input.string('SecretId'));
  const versionId = input.optionalString('VersionId');
  checkVersionId('VersionId', versionId);
  const stage = readStage(input, 'VersionStage');
  let version: SecretVersion | undefined;
  if (versionId !== undefined) {
    version = secret.versions.get(versionId);
    if (!version) throw valueNotFound(`VersionId: ${versionId}`);
    if (stage !== undefined && !version.stages.has(stage)) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        'You provided a VersionStage that is not associated to the provided VersionId.',
      );
    }
  } else {
    version = holderOf(secret, stage ?? AWSCURRENT);
    if (!version) throw valueNotFound(`staging label: ${stage ?? AWSCURRENT}`);
  }
  if (version.value === undefined) throw valueNotFound(`VersionId: ${version.versionId}`);
  const day = accessDay(ctx.clock.now());
  secret.lastAccessedDate = day;
  version.lastAccessedDate = day;
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    SecretString: version.value,
    VersionStages: [...version.stages],
    CreatedDate: epochSeconds(version.createdDate),
  };
}

/**
 * PutSecretValue (AWS API reference). The token names the version: an existing version with the
 * same value makes the call a no-op (its labels untouched), with a different value it is
 * ResourceExistsException (a version is immutable); the empty version RotateSecret created gets
 * its value. VersionStages default to AWSCURRENT, whose old holder then gets AWSPREVIOUS.
 * RotationToken must be one this service issued for the secret; strictest plausible, since AWS
 * "validates the identity using the token" without saying how a bad one fails.
 */
export function putSecretValue(ctx: OperationContext, input: Input): object {
  const secret = ctx.state.findLive(input.string('SecretId'));
  const token = input.optionalString('ClientRequestToken') ?? randomUUID();
  checkVersionId('ClientRequestToken', token);
  const value = readSecretString(input);
  if (value === undefined)
    throw invalidParameter('You must provide either SecretString or SecretBinary.');
  const stages = input.optionalStringList('VersionStages') ?? [AWSCURRENT];
  if (stages.length < 1 || stages.length > MAX_STAGES_PER_VERSION) {
    throw invalidParameter(`VersionStages must list 1 to ${MAX_STAGES_PER_VERSION} labels`);
  }
  for (const stage of stages) checkLength('VersionStages', stage, 1, 256);
  const rotationToken = input.optionalString('RotationToken');
  if (rotationToken !== undefined && !secret.rotationTokens.has(rotationToken)) {
    throw new AwsServiceError(
      'AccessDeniedException',
      'the RotationToken is not valid for this secret',
    );
  }

  const existing = secret.versions.get(token);
  const output = (version: SecretVersion) => ({
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    VersionStages: [...version.stages],
  });
  if (existing?.value !== undefined) {
    if (existing.value === value) return output(existing);
    throw new AwsServiceError(
      'ResourceExistsException',
      "You can't modify an existing version, you can only create a new version.",
    );
  }
  if (existing && new Set([...existing.stages, ...stages]).size > MAX_STAGES_PER_VERSION) {
    throw new AwsServiceError('LimitExceededException', 'a version can have at most 20 labels');
  }

  const now = ctx.clock.now();
  const version = existing ?? addVersion(secret, token, undefined, now);
  version.value = value;
  version.rotationToken = rotationToken;
  for (const stage of stages) attachStage(secret, stage, version, ctx.rotation);
  secret.lastChangedDate = now;
  pruneDeprecatedVersions(secret, now);
  return output(version);
}

/**
 * UpdateSecretVersionStage (AWS API reference): "If the staging label you are trying to attach to
 * one version is already attached to a different version, then you must include [RemoveFromVersionId]
 * and specify the version that the label is to be removed from ... or the operation fails."
 * Strictest plausible where AWS is silent:
 * - RemoveFromVersionId naming a version that does not hold the label is an error, so repeating an
 *   already-applied move fails (the caller re-reads the state and sees the move is done);
 * - MoveToVersionId equal to RemoveFromVersionId is an error;
 * - AWSCURRENT can only be moved, never just removed (a secret always keeps a current version);
 * - attaching a label to the version that already holds it, without RemoveFromVersionId, is a no-op.
 */
export function updateSecretVersionStage(ctx: OperationContext, input: Input): object {
  const secret = ctx.state.findLive(input.string('SecretId'));
  const stage = input.string('VersionStage');
  checkLength('VersionStage', stage, 1, 256);
  const moveTo = input.optionalString('MoveToVersionId');
  const removeFrom = input.optionalString('RemoveFromVersionId');
  checkVersionId('MoveToVersionId', moveTo);
  checkVersionId('RemoveFromVersionId', removeFrom);
  if (moveTo === undefined && removeFrom === undefined) {
    throw invalidParameter('You must specify MoveToVersionId, RemoveFromVersionId, or both.');
  }
  const target = moveTo === undefined ? undefined : versionOf(secret, moveTo);
  const source = removeFrom === undefined ? undefined : versionOf(secret, removeFrom);
  const holder = holderOf(secret, stage);

  if (source && !source.stages.has(stage)) {
    throw invalidParameter(`The staging label ${stage} is not attached to version ${removeFrom}.`);
  }
  if (target && target === source) {
    throw invalidParameter('MoveToVersionId and RemoveFromVersionId name the same version.');
  }
  if (target && holder && holder !== target && holder !== source) {
    throw invalidParameter(
      `The staging label ${stage} is attached to version ${holder.versionId}; name that version in RemoveFromVersionId to move it.`,
    );
  }
  if (!target && stage === AWSCURRENT) {
    throw invalidParameter(
      `You can't remove ${AWSCURRENT} from a version without moving it to another.`,
    );
  }

  if (target) attachStage(secret, stage, target, ctx.rotation);
  else if (source) detachStage(secret, stage, source, ctx.rotation);
  const now = ctx.clock.now();
  secret.lastChangedDate = now;
  pruneDeprecatedVersions(secret, now);
  return { ARN: secret.arn, Name: secret.name };
}
