import { randomUUID } from 'node:crypto';
import { AwsServiceError, type Input } from '../aws-json.ts';
import type { OperationContext } from './operation-context.ts';
import { readRotationRules } from './schedule.ts';
import { attachStage } from './stages.ts';
import { AWSPENDING, addVersion, pendingRotationVersion, type Secret } from './state.ts';
import { checkVersionId, invalidRequest } from './validation.ts';

const ROTATION_IN_PROGRESS =
  "A previous rotation isn't complete. That rotation will be reattempted.";

/**
 * RotateSecret (AWS API reference). Checks everything first, then stores the configuration and, if
 * RotateImmediately (default true), attaches AWSPENDING to a new empty version whose id is the
 * token and starts the four steps asynchronously.
 *
 * - No rotation function configured: InvalidRequestException.
 * - A function ARN nothing is registered under: AccessDeniedException, what AWS answers when it
 *   cannot invoke the function. Checked even with RotateImmediately=false (strictest plausible).
 * - AWSPENDING on a version other than AWSCURRENT: "any later invocation of RotateSecret assumes
 *   that a previous rotation request is still in progress and returns an error", unless the token
 *   is that version's id, which re-runs that rotation.
 * - The token of a rotation already started (an SDK retry after a lost response) answers as the
 *   first call did and starts nothing; a token naming any other existing version is
 *   ResourceExistsException, since a version is immutable.
 * - RotateImmediately=false stores the configuration and, as AWS documents, "tests the rotation
 *   configuration by running the testSecret step of the Lambda rotation function. The test creates
 *   an AWSPENDING version of the secret and then removes it." The emulator answers once the test
 *   has ended; AWS does not document whether a failed test fails the call, so it does not. With a
 *   rotation already pending there is nothing to test against, and only the configuration is
 *   stored.
 */
export function rotateSecret(ctx: OperationContext, input: Input): object {
  const secret = ctx.state.findLive(input.string('SecretId'));
  const token = input.optionalString('ClientRequestToken') ?? randomUUID();
  checkVersionId('ClientRequestToken', token);
  const lambdaArn = input.optionalString('RotationLambdaARN') ?? secret.rotation.lambdaArn;
  const rules = readRotationRules(input.optionalObject('RotationRules')) ?? secret.rotation.rules;
  const immediately = input.optionalBoolean('RotateImmediately') ?? true;
  if (lambdaArn === undefined) {
    throw invalidRequest('No Lambda rotation function ARN is associated with this secret.');
  }
  if (!ctx.rotation.hasFunction(lambdaArn)) {
    throw new AwsServiceError(
      'AccessDeniedException',
      'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
    );
  }
  const output = { ARN: secret.arn, Name: secret.name, VersionId: immediately ? token : undefined };
  const decision = immediately ? decideRotation(ctx, secret, token) : 'configure-only';
  if (decision === 'already-started') return output;

  secret.rotation.enabled = true;
  secret.rotation.lambdaArn = lambdaArn;
  secret.rotation.rules = rules;
  const now = ctx.clock.now();
  secret.lastChangedDate = now;
  if (decision === 'configure-only') {
    if (pendingRotationVersion(secret) || secret.versions.has(token)) return output;
    return testConfiguration(ctx, secret, token).then(() => output);
  }
  if (decision === 'new-version') {
    attachStage(secret, AWSPENDING, addVersion(secret, token, undefined, now), ctx.rotation);
  }
  ctx.rotation.start(secret, token);
  return output;
}

type RotationDecision = 'new-version' | 'rerun' | 'already-started' | 'configure-only';

function decideRotation(ctx: OperationContext, secret: Secret, token: string): RotationDecision {
  const active = ctx.rotation.activeToken(secret);
  if (active === token) return 'already-started';
  if (active !== undefined) throw invalidRequest(ROTATION_IN_PROGRESS);
  const pending = pendingRotationVersion(secret);
  if (pending) {
    if (pending.versionId === token) return 'rerun';
    throw invalidRequest(ROTATION_IN_PROGRESS);
  }
  if (!secret.versions.has(token)) return 'new-version';
  if (ctx.rotation.wasStarted(secret, token)) return 'already-started';
  throw new AwsServiceError(
    'ResourceExistsException',
    `A version with the id ${token} already exists; a rotation needs a new ClientRequestToken.`,
  );
}

/**
 * CancelRotateSecret (AWS API reference): turns automatic rotation off (RotationEnabled=false; the
 * function ARN and rules stay, so RotateSecret can turn it on again) and stops a rotation in
 * progress after its current step. Labels are left exactly as they are: "it can leave the
 * VersionStage labels in an unexpected state", so AWSPENDING may stay on a partial version, whose
 * id is returned as VersionId. Cancelling when rotation is already off succeeds (it is a "turn
 * off", and the caller's intent holds either way).
 */
export function cancelRotateSecret(ctx: OperationContext, input: Input): object {
  const secret = ctx.state.findLive(input.string('SecretId'));
  const pending = pendingRotationVersion(secret);
  secret.rotation.enabled = false;
  secret.lastChangedDate = ctx.clock.now();
  ctx.rotation.cancel(secret, pending?.versionId);
  return { ARN: secret.arn, Name: secret.name, VersionId: pending?.versionId };
}

/** AWSPENDING on a new empty version, testSecret once, then the version is gone again. */
async function testConfiguration(ctx: OperationContext, secret: Secret, token: string) {
  const version = addVersion(secret, token, undefined, ctx.clock.now());
  attachStage(secret, AWSPENDING, version, ctx.rotation);
  try {
    await ctx.rotation.testConfiguration(secret, token);
  } finally {
    version.stages.delete(AWSPENDING);
    if (version.stages.size === 0) secret.versions.delete(token);
  }
}
