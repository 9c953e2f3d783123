/**
 * `complete <secret>`: ends an open overlap now, for an operator who knows every consumer has moved
 * to AWSCURRENT. The same action as the reconcile's, without waiting for the completion delay.
 */
import { completeOverlap } from '../../../lambda/reconcile/actions.ts';
import { observeSecret } from '../../../lambda/reconcile/observe.ts';
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
      `complete: ${name} has a rotation in progress (version ${observed.pending.versionId}); its ` +
        'createSecret completes the open overlap itself',
    );
  }
  if (next === null && ours !== null && stytchCurrent === ours) {
    io.out(
      `complete: nothing to complete: AWSCURRENT's secret (last four ${ours}) is already Stytch's only secret`,
    );
    return EXIT.ok;
  }
  if (ours === null || next !== ours) {
    throw new CliError(
      EXIT.refused,
      `complete: refused: Stytch's next secret for ${clientId} ends in ${next ?? 'nothing'}, not in ` +
        `AWSCURRENT's ${ours ?? '(none stored)'}; completing would make a secret consumers do not ` +
        'read the only valid one. Run `stytch-rotation status` to see the drift',
    );
  }
  const outcome = await completeOverlap(
    { store: ctx.store, stytch, clock: io.clock },
    observed,
    call,
  );
  if (outcome.outcome === 'skipped') {
    throw new CliError(EXIT.refused, `complete: not done: ${outcome.detail}`);
  }
  io.out(`complete: ${outcome.outcome === 'done' ? 'done' : 'already done'}: ${outcome.detail}`);
  return EXIT.ok;
}
