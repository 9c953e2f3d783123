/**
 * `cancel <secret>`: abandons the rotation in progress with the reconcile's own action (AWSPENDING
 * removed, then `rotate_cancel` at Stytch when Stytch's next secret is the pending one or a stray),
 * after asking, unless `--yes`. With no rotation in progress it discards a stray next secret, if
 * there is one, the same way.
 */
import { abandonRotation, discardStray } from '../../../lambda/reconcile/actions.ts';
import { shouldCancelAtStytch } from '../../../lambda/reconcile/inspect-secret.ts';
import { type ObservedSecret, observeSecret } from '../../../lambda/reconcile/observe.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';

const CALL_BUDGET_MS = 120_000;

export async function cancelCommand(ctx: CliContext, secretId: string): Promise<ExitCode> {
  const { io } = ctx;
  const metadata = await ctx.managedSecret(secretId);
  const stytch = await ctx.stytch();
  const call = { deadline: io.clock.now().getTime() + CALL_BUDGET_MS };
  const observed = await observeSecret({ store: ctx.store, stytch }, metadata.arn, call);
  // The lease's time starts when the move does, not before the operator answered the question.
  const deps = () => ({ store: ctx.store, stytch, clock: io.clock, lease: ctx.lease('cancel') });
  if (observed.stytch.kind !== 'found') {
    throw new CliError(
      EXIT.failed,
      `cancel: cannot read ${observed.clientId} at Stytch (${observed.stytch.kind})`,
    );
  }
  const next = observed.stytch.next;
  const pending = observed.pending;

  if (pending === undefined) {
    if (next === null || next === observed.current.secretLastFour) {
      io.out(`cancel: nothing to cancel: ${observed.name} has no rotation in progress`);
      return EXIT.ok;
    }
    await confirm(
      ctx,
      'cancel',
      `Discard Stytch's stray next secret (last four ${next}) of ${observed.clientId}, which no version of ${observed.name} holds?`,
    );
    const outcome = await discardStray(deps(), observed, next, call);
    return report(ctx, outcome);
  }
  if (pending.secretLastFour !== null && observed.stytch.current === pending.secretLastFour) {
    throw new CliError(
      EXIT.refused,
      `cancel: Stytch already made the pending secret (last four ${pending.secretLastFour}) its only ` +
        `secret; abandoning would leave ${observed.name} without a working secret. Finish the ` +
        `rotation instead: aws secretsmanager rotate-secret --secret-id ${observed.name} ` +
        `--client-request-token ${pending.versionId}`,
    );
  }
  await confirm(ctx, 'cancel', describeAbandon(observed, next));
  const outcome = await abandonRotation(deps(), observed, call);
  return report(ctx, outcome);
}

function describeAbandon(observed: ObservedSecret, next: string | null): string {
  const pending = observed.pending;
  const created = pending?.createdDate?.toISOString() ?? 'at an unknown time';
  const stored = pending?.secretLastFour
    ? `secret last four ${pending.secretLastFour}`
    : 'no secret stored yet';
  const atStytch = shouldCancelAtStytch(observed, next)
    ? ` and discard Stytch's next secret (last four ${next})`
    : '';
  return `Abandon the rotation of ${observed.name} (version ${pending?.versionId}, created ${created}, ${stored})${atStytch}?`;
}

function report(ctx: CliContext, outcome: { outcome: string; detail: string }): ExitCode {
  if (outcome.outcome === 'skipped') {
    throw new CliError(
      EXIT.refused,
      `cancel: not done: ${outcome.detail}; run \`stytch-rotation status\``,
    );
  }
  ctx.io.out(`cancel: ${outcome.outcome === 'done' ? 'done' : 'already done'}: ${outcome.detail}`);
  return EXIT.ok;
}
