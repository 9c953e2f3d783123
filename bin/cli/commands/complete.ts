/**
 * `complete <secret> [--yes]`: the one way to end an open overlap before it is due. For an
 * emergency, such as the old secret leaking: the secret consumers are still moving off stops working
 * at once, which is why the command says so and asks first. It makes the reconcile's own move
 * without waiting for the completion delay; a rotation that was deferred by the overlap
 * (OVERLAP_OPEN) is then started, as the reconcile would once the overlap was due. Nothing else
 * (no rotation, no schedule, no deploy) ends an overlap early.
 */
import { completeOverlap } from '../../../lambda/reconcile/actions.ts';
import { redriveDeferredRotation } from '../../../lambda/reconcile/deferred-rotation.ts';
import { overlapUntil } from '../../../lambda/reconcile/inspect-secret.ts';
import { observeSecret } from '../../../lambda/reconcile/observe.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';

const CALL_BUDGET_MS = 120_000;

export async function completeCommand(ctx: CliContext, secretId: string): Promise<ExitCode> {
  const { io } = ctx;
  const metadata = await ctx.managedSecret(secretId);
  const stytch = await ctx.stytch();
  const call = { deadline: io.clock.now().getTime() + CALL_BUDGET_MS };
  const observed = await observeSecret({ store: ctx.store, stytch }, metadata.arn, call);
  const { name, clientId } = observed;
  if (observed.stytch.kind !== 'found') {
    throw new CliError(
      EXIT.failed,
      `complete: cannot read ${clientId} at Stytch (${observed.stytch.kind})`,
    );
  }
  const { current: stytchCurrent, next } = observed.stytch;
  const ours = observed.current.secretLastFour;
  if (observed.pending !== undefined) {
    throw new CliError(
      EXIT.refused,
      `complete: ${name} has a rotation starting (version ${observed.pending.versionId}); ` +
        'run this again once it has finished or been deferred',
    );
  }
  if (next === null && ours !== null && stytchCurrent === ours) {
    io.out(
      `complete: nothing to complete: AWSCURRENT's secret (last four ${ours}) is already Stytch's only secret`,
    );
    return redrive(ctx, metadata.arn, clientId, call);
  }
  if (ours === null || next !== ours) {
    throw new CliError(
      EXIT.refused,
      `complete: refused: Stytch's next secret for ${clientId} ends in ${next ?? 'nothing'}, not in ` +
        `AWSCURRENT's ${ours ?? '(none stored)'}; completing would make a secret consumers do not ` +
        'read the only valid one. Run `stytch-rotation status` to see the drift',
    );
  }
  const until = overlapUntil(observed, ctx.config.completionDelaySeconds);
  await confirm(
    ctx,
    'complete',
    `End the overlap of ${name} now${until ? `, before it is due at ${until.toISOString()}` : ''}? ` +
      `The previous secret (last four ${stytchCurrent ?? '?'}) stops working at once for every ` +
      'consumer that still uses it; only AWSCURRENT (last four ' +
      `${ours}) stays valid.`,
  );
  const outcome = await completeOverlap(
    { store: ctx.store, stytch, clock: io.clock, lease: ctx.lease('complete') },
    observed,
    call,
  );
  if (outcome.outcome === 'skipped') {
    throw new CliError(EXIT.refused, `complete: not done: ${outcome.detail}`);
  }
  io.out(`complete: ${outcome.outcome === 'done' ? 'done' : 'already done'}: ${outcome.detail}`);
  return redrive(ctx, metadata.arn, clientId, call);
}

/** Starts the rotation the overlap deferred, if any, now that the overlap is over. */
async function redrive(
  ctx: CliContext,
  arn: string,
  clientId: string,
  call: { readonly deadline: number },
): Promise<ExitCode> {
  const stytch = await ctx.stytch();
  const outcome = await redriveDeferredRotation({ store: ctx.store, stytch }, arn, clientId, call);
  if (outcome !== undefined) ctx.io.out(`complete: deferred rotation: ${outcome.detail}`);
  return EXIT.ok;
}
