/**
 * What every entry point (`npm start`, `npm run local-cloud`, `npm run bench`) shares about its
 * command line: `--help` prints the usage and exits 0; a bad command line is one line on stderr and
 * exit 2, never a stack trace; any other failure is one line and exit 1. node:util parseArgs does
 * the parsing; its errors are reworded here because they suggest `--` tricks nobody needs.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** The command line cannot be run as given (exit 2), or help was asked for (exit 0). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** 0 when help was asked for, 2 for a bad command line. */
  readonly exitCode: 0 | 2;

  constructor(message: string, exitCode: 0 | 2 = 2) {
    super(message);
    this.exitCode = exitCode;
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` strictly, with `--help`/`-h` added to `options`.
 * @throws UsageError (exit 0) carrying `usage` when help is asked for
 * @throws UsageError (exit 2) naming the unknown flag, missing value or stray argument
 */
export function parseCommandLine<T extends Options>(
  argv: readonly string[],
  options: T,
  usage: string,
) {
  let parsed: ReturnType<typeof parseArgs<{ options: T; strict: true }>>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } } as T,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${describeParseError(error)} (see --help)`);
  }
  if ((parsed.values as Record<string, unknown>).help === true) throw new UsageError(usage, 0);
  return parsed.values;
}

/** One readable sentence for a parseArgs error. */
export function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const flag = /'(-[^' ]*)/.exec(message ?? '')?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return flag === undefined ? 'a flag is missing its value' : `${flag} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(message ?? '')?.[1] ?? ''}`.trim();
    default:
      return message ?? String(error);
  }
}

/**
 * Runs an entry point's `main` and exits with its code. A {@link UsageError} prints its message
 * (help on stdout, a usage problem on stderr); anything else is one line `<name> failed: …` and
 * exit 1, with the stack only when `DEBUG` is set.
 */
export function runEntryPoint(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        if (error.exitCode === 0) process.stdout.write(error.message);
        else process.stderr.write(`${name}: ${error.message}\n`);
        process.exit(error.exitCode);
      }
      const text =
        error instanceof Error ? `${error.name}: ${error.message}` : `unexpected failure: ${error}`;
      process.stderr.write(`${name} failed: ${text.replace(/\s*\n\s*/g, ' ')}\n`);
      if (process.env.DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}

/**
 * Silences the AWS SDK's Node-version banner: these tools run on the developer's Node (20.19+),
 * while the function itself runs on nodejs22.x, so the notice is noise here. The SDK reads this
 * documented setting when its first client is built; an explicit value in the environment wins.
 */
export function silenceSdkNodeVersionNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
