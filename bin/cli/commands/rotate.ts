/**
 * `rotate <secret>`: RotateSecret with a token of our own, then watch that version until it becomes
 * AWSCURRENT. A failed step is read from the last-error tag the function writes (so this works
 * against real AWS without log access); Secrets Manager retries a failed rotation, so a failure is
 * shown and the wait goes on until the rotation succeeds, is abandoned, or the timeout passes. A
 * rotation deferred by an open overlap (the deferred tag names its token) ends the wait with exit 4.
 */
import { randomUUID } from 'node:crypto';
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import {
  DEFERRED_TAG,
  LAST_ERROR_TAG,
  parseDeferred,
  parseLastError,
} from '../../../lambda/reconcile/tags.ts';
import { lastFour, parseSecretValue } from '../../../lambda/secrets/secret-value.ts';
import { AWSCURRENT, AWSPENDING } from '../../../lambda/secrets/store.ts';
import type { CliContext } from '../context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';

const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2_000;

export async function rotateCommand(ctx: CliContext, secretId: string): Promise<ExitCode> {
  const { io } = ctx;
  const metadata = await ctx.managedSecret(secretId);
  const token = randomUUID();
  try {
    await ctx.secretsManager.send(
      new RotateSecretCommand({ SecretId: metadata.arn, ClientRequestToken: token }),
    );
  } catch (error) {
    throw refusalOf(error, metadata.name) ?? error;
  }
  io.out(`rotate: started rotation ${token} of ${metadata.name}`);

  const started = io.clock.now().getTime();
  const deadline = started + ctx.flags.timeoutSeconds * 1000;
  let shownError = '';
  let pollMs = FIRST_POLL_MS;
  let state = 'waiting for createSecret';
  for (;;) {
    const now = await ctx.store.describe(metadata.arn);
    const stages = now.versionStages[token] ?? [];
    if (stages.includes(AWSCURRENT)) {
      const value = await ctx.store.readValue(metadata.arn, { versionId: token });
      const secret = value === undefined ? undefined : parseSecretValue(value, token).clientSecret;
      io.out(
        `rotate: succeeded: version ${token} is AWSCURRENT (secret last four ${secret === undefined ? '?' : lastFour(secret)})`,
      );
      return EXIT.ok;
    }
    const deferred = parseDeferred(now.tags[DEFERRED_TAG]);
    if (deferred?.token === token && !stages.includes(AWSPENDING)) {
      throw new CliError(
        EXIT.refused,
        `rotate: deferred: ${metadata.name} is in the overlap of its previous rotation until ` +
          `${deferred.dueAt.toISOString()} (OVERLAP_OPEN); the reconcile completes the overlap then ` +
          'and starts this rotation again. To end the overlap now (a leaked secret), run ' +
          `\`stytch-rotation complete ${metadata.name}\``,
      );
    }
    if (!stages.includes(AWSPENDING)) {
      throw new CliError(
        EXIT.failed,
        `rotate: the rotation was abandoned: version ${token} of ${metadata.name} is no longer AWSPENDING${shownError ? ` (last error: ${shownError})` : ''}`,
      );
    }
    const failure = parseLastError(now.tags[LAST_ERROR_TAG]);
    if (failure?.token === token) {
      const text = `${failure.step}: ${failure.code}: ${failure.message}`;
      if (text !== shownError) {
        io.err(`rotate: an attempt failed in ${text}; Secrets Manager may retry, still waiting`);
        shownError = text;
      }
    }
    if (state === 'waiting for createSecret') {
      const stored = await ctx.store.readValue(metadata.arn, { versionId: token });
      if (stored !== undefined) state = 'new secret stored as AWSPENDING, waiting for finishSecret';
    }
    const elapsed = io.clock.now().getTime() - started;
    io.progress(`rotate: ${state} (${Math.round(elapsed / 1000)} s)`);
    const left = deadline - io.clock.now().getTime();
    if (left <= 0) break;
    await io.sleep(Math.min(pollMs, left));
    pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
  }
  throw new CliError(
    EXIT.failed,
    `rotate: timed out after ${ctx.flags.timeoutSeconds} s: version ${token} of ${metadata.name} is ` +
      `not AWSCURRENT yet${shownError ? ` (last error: ${shownError})` : ''}; it may still finish ` +
      `or stay stuck: check with \`stytch-rotation status\`, abandon with \`stytch-rotation cancel ${metadata.name}\``,
  );
}

/** RotateSecret's refusal while a rotation is open, as a clear "refused" line. */
function refusalOf(error: unknown, name: string): CliError | undefined {
  if (!(error instanceof Error) || error.name !== 'InvalidRequestException') return undefined;
  if (!/rotation/i.test(error.message)) return undefined;
  return new CliError(
    EXIT.refused,
    `rotate: ${name} already has a rotation in progress (${error.message}); wait for it, or ` +
      `abandon it with \`stytch-rotation cancel ${name}\``,
  );
}
