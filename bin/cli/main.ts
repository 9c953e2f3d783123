/**
 * The operator CLI's entry: parse, run one command, turn any failure into one line on stderr and a
 * meaningful exit code (see exit-codes.ts). `main` takes its terminal as a parameter so tests run it
 * in-process; bin/cli.ts wires the real one.
 */
import { RotationError } from '../../lambda/errors.ts';
import { type CliArgs, parseCliArgs, USAGE } from './args.ts';
import { cancelCommand } from './commands/cancel.ts';
import { completeCommand } from './commands/complete.ts';
import { credentialsSetCommand } from './commands/credentials.ts';
import { doctorCommand } from './commands/doctor.ts';
import { leaseTransferCommand } from './commands/lease-transfer.ts';
import { rotateCommand } from './commands/rotate.ts';
import { statusCommand } from './commands/status.ts';
import { type CliContext, createCliContext } from './context.ts';
import { withStackDefaults } from './doctor/stack-defaults.ts';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';
import { type CliIo, nodeIo } from './io.ts';

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = nodeIo()): Promise<ExitCode> {
  if (argv.length === 0) {
    io.err(USAGE);
    return EXIT.usage;
  }
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    return reportFailure(io, error, false);
  }
  if (args.command === 'help') {
    io.out(USAGE);
    return EXIT.ok;
  }
  let ctx: CliContext | undefined;
  try {
    // Before the first deploy the stack's settings live in cdk.json: the doctor checks those.
    const flags = args.command === 'doctor' ? withStackDefaults(args.flags, io.env) : args.flags;
    ctx = createCliContext(io, flags);
    return await run(ctx, args);
  } catch (error) {
    return reportFailure(io, error, args.flags.debug);
  } finally {
    await ctx?.close();
    io.close?.();
  }
}

function run(ctx: CliContext, args: CliArgs): Promise<ExitCode> {
  const secret = args.secret ?? '';
  switch (args.command) {
    case 'status':
      return statusCommand(ctx);
    case 'rotate':
      return rotateCommand(ctx, secret);
    case 'cancel':
      return cancelCommand(ctx, secret);
    case 'complete':
      return completeCommand(ctx, secret);
    case 'credentials set':
      return credentialsSetCommand(ctx);
    case 'doctor':
      return doctorCommand(ctx);
    case 'lease transfer':
      return leaseTransferCommand(ctx, secret);
    default:
      return Promise.resolve(EXIT.usage);
  }
}

/**
 * One line on stderr. Our own errors carry messages written for operators (and never a secret);
 * anything else (an AWS SDK error such as missing credentials) is shown by name and message. The
 * stack only with --debug.
 */
function reportFailure(io: CliIo, error: unknown, debug: boolean): ExitCode {
  const exitCode = error instanceof CliError ? error.exitCode : EXIT.failed;
  const message =
    error instanceof CliError || error instanceof RotationError
      ? error.message
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : `unexpected failure (${typeof error})`;
  io.err(`stytch-rotation: ${message.replace(/\s*\n\s*/g, ' ')}`);
  if (debug && error instanceof Error && error.stack) io.err(error.stack);
  return exitCode;
}
