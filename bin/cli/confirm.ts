/**
 * The one question a destructive command asks before it acts: `[y/N]` on the terminal, skipped by
 * `--yes`. No answer (stdin closed, not a terminal) or anything but yes aborts with exit 130, so a
 * script must say `--yes` to do it.
 */
import type { CliContext } from './context.ts';
import { CliError, EXIT } from './exit-codes.ts';

/**
 * Asks `question` unless `--yes` was given.
 * @throws CliError (exit 130) on no answer or any answer but y / yes
 */
export async function confirm(ctx: CliContext, command: string, question: string): Promise<void> {
  if (ctx.flags.yes) return;
  const answer = await ctx.io.readLine(`${question} [y/N] `);
  if (answer === undefined) {
    throw new CliError(
      EXIT.aborted,
      `${command}: aborted: no answer on stdin (pass --yes to skip the question)`,
    );
  }
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError(EXIT.aborted, `${command}: aborted`);
}
