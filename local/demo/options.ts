/** The command line of `npm run local-cloud`. */
import { parseCommandLine, UsageError } from '../command-line.ts';

export interface DemoOptions {
  /** Serve the bare cloud: no project, clients, secrets or function. */
  readonly empty: boolean;
  /** How many clients to create instead of those in cdk.json. @default - cdk.json's clients */
  readonly clients: number | undefined;
  /** Every duration of the stack (completion delay, reconcile interval, stuck age) is divided by this. */
  readonly timeScale: number;
  /** Where `cdk synth` writes the cloud assembly. */
  readonly cdkOut: string;
  /** Also print every log line of the function. */
  readonly verbose: boolean;
  readonly ports: {
    readonly secretsManager?: number;
    readonly ssm?: number;
    readonly stytch?: number;
  };
}

export const USAGE = `usage: npm run local-cloud -- [options]

Serves Secrets Manager, SSM and Stytch on 127.0.0.1 until Ctrl-C, seeded as a deployment would find
them: a Stytch project whose credentials are in SSM, the clients named in cdk.json, their managed
secrets, and the synthesized rotation function (cdk synth runs first when cdk.out is missing or
older than the sources) registered as their rotation function. The reconcile runs on the stack's
schedule, compressed. Prints the export lines for this CLI, the AWS CLI (v1 and v2) and boto3.

options:
  --clients N             create N clients (alternating Connected App, M2M) instead of cdk.json's
  --time-scale N          divide the stack's completion delay, reconcile interval and stuck age by N
                          (default 60: an hour's overlap lasts a minute, the reconcile runs every 15 s)
  --empty                 serve the bare cloud: no project, clients, secrets or function
  --cdk-out DIR           the cloud assembly to run (default cdk.out)
  --verbose               also print every log line of the function
  --secrets-manager-port P, --ssm-port P, --stytch-port P
                          fixed ports (default: ephemeral)
`;

export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  const values = parseCommandLine(
    argv,
    {
      clients: { type: 'string' },
      'time-scale': { type: 'string', default: '60' },
      empty: { type: 'boolean', default: false },
      'cdk-out': { type: 'string', default: 'cdk.out' },
      verbose: { type: 'boolean', default: false },
      'secrets-manager-port': { type: 'string' },
      'ssm-port': { type: 'string' },
      'stytch-port': { type: 'string' },
    },
    USAGE,
  );
  const whole = (flag: string, raw: string | undefined, min: number, max: number) => {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got ${raw}`);
    }
    return value;
  };
  return {
    empty: values.empty,
    clients: whole('clients', values.clients, 1, 100),
    timeScale: whole('time-scale', values['time-scale'], 1, 3600) ?? 60,
    cdkOut: values['cdk-out'],
    verbose: values.verbose,
    ports: {
      secretsManager: whole('secrets-manager-port', values['secrets-manager-port'], 0, 65_535),
      ssm: whole('ssm-port', values['ssm-port'], 0, 65_535),
      stytch: whole('stytch-port', values['stytch-port'], 0, 65_535),
    },
  };
}
