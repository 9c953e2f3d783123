/**
 * The operator CLI as an actor: `cancel --yes` or `complete` run in this process through the CLI's
 * own command functions, on the CLI's own context with its store, Stytch client and (once the CLI
 * takes leases) lease table gated. The store and the Stytch client are built as the CLI builds
 * them, but with the fast retries the function's containers use in the lanes, so that a lost
 * response costs milliseconds.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Dispatcher } from 'undici';
import { parseCliArgs } from '../../bin/cli/args.ts';
import { cancelCommand } from '../../bin/cli/commands/cancel.ts';
import { completeCommand } from '../../bin/cli/commands/complete.ts';
import { type CliContext, createCliContext } from '../../bin/cli/context.ts';
import type { CliIo } from '../../bin/cli/io.ts';
import { createSecretStore } from '../../lambda/secrets/store.ts';
import { stytchClientFor } from '../../lambda/stytch/connect.ts';
import { createCredentialsSource } from '../../lambda/stytch/credentials.ts';
import { CREDENTIALS_PARAMETER, type RotationWorld } from '../e2e/rotation-world.ts';

/** What the CLI actor shares with its lane. */
export interface CliLane {
  readonly world: RotationWorld;
  /** The function's environment; the CLI reads the same settings. */
  readonly env: Readonly<Record<string, string>>;
  readonly sm: SecretsManagerClient;
  readonly ssm: SSMClient;
  readonly dispatcher: Dispatcher;
  /** Routes a surface's calls through the actor's gate. */
  gate<T extends object>(surface: string, target: T): T;
}

/** Runs one command; resolves with its exit code and output (last fours only, never a secret). */
export async function runGatedCli(
  lane: CliLane,
  command: 'cancel' | 'complete',
  secretArn: string,
): Promise<string> {
  const args = parseCliArgs(
    command === 'cancel' ? ['cancel', secretArn, '--yes'] : [command, secretArn],
  );
  const lines: string[] = [];
  const base = createCliContext(cliIo(lane, lines), args.flags);
  const ctx = gatedContext(lane, base);
  try {
    const code =
      command === 'cancel'
        ? await cancelCommand(ctx, secretArn)
        : await completeCommand(ctx, secretArn);
    return `exit ${code}: ${lines.join(' | ')}`;
  } finally {
    await base.close();
  }
}

function gatedContext(lane: CliLane, base: CliContext): CliContext {
  const { clock, log } = lane.world;
  let stytch: ReturnType<CliContext['stytch']> | undefined;
  const ctx: CliContext = {
    ...base,
    store: lane.gate('store', createSecretStore(lane.sm)),
    stytch: () => {
      stytch ??= (async () => {
        const credentials = createCredentialsSource({
          ssm: lane.ssm,
          parameterName: CREDENTIALS_PARAMETER,
          cacheSeconds: 300,
          clock,
        });
        const client = stytchClientFor(await credentials.get(), base.config, {
          dispatcher: lane.dispatcher,
          log,
          clock,
          retry: { baseDelayMs: 1, maxDelayMs: 5 },
        });
        return lane.gate('stytch', client);
      })();
      return stytch;
    },
  };
  // Once the CLI takes a client's lease (`lease(command)` giving the table to take it in), the
  // table's calls are gated like the store's.
  const lease = (base as unknown as Record<string, unknown>).lease;
  if (typeof lease === 'function') {
    Object.assign(ctx, {
      lease: (name: string) => {
        const taken = lease.call(base, name) as { table: object };
        return { ...taken, table: lane.gate('lease', taken.table) };
      },
    });
  }
  return ctx;
}

function cliIo(lane: CliLane, lines: string[]): CliIo {
  const { cloud, clock } = lane.world;
  return {
    env: { ...cloud.awsEnv, ...lane.env },
    clock,
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    progress: () => {},
    stdinIsTerminal: false,
    readAll: async () => '',
    // The commands that ask are run with --yes; anything still asked is answered yes.
    readLine: async () => 'y',
    readHidden: async () => undefined,
    sleep: async () => {},
  };
}
