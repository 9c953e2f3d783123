/** The sandbox's command line. */
import { parseCommandLine, UsageError } from '../../local/command-line.ts';

export { UsageError };

export interface SandboxOptions {
  /** How many clients to create at the local Stytch, alternating Connected App and M2M. */
  readonly clients: number;
  /** Rotations per client; the first is the bootstrap. */
  readonly rotations: number;
  /** The overlap, shortened so the sandbox shows the reconcile completing it. */
  readonly completionDelaySeconds: number;
  /** A real Stytch test project instead of the local Stytch (Secrets Manager stays local). */
  readonly realStytch:
    | { readonly projectId: string; readonly secret: string; readonly clientIds: readonly string[] }
    | undefined;
  readonly verbose: boolean;
  /** Where `cdk synth` wrote the cloud assembly. */
  readonly cdkOut: string;
}

export const USAGE = `usage: npm start -- [options]

Synthesizes the stack (cdk synth), then runs rotations on the local cloud with the very bundle and
environment the synthesis produced.

options:
  --clients N             clients to create at the local Stytch (default 2: a Connected App, an M2M)
  --rotations N           rotations per client, the first being the bootstrap (default 2)
  --completion-delay S    seconds both secrets stay valid after a promotion (default 2; 0 completes at once)
  --cdk-out DIR           the cloud assembly to run (default cdk.out)
  --verbose               also print every log line of the function
  --stytch-client ID      with STYTCH_PROJECT_ID and STYTCH_SECRET set: rotate this existing client of a
                          real Stytch test project (repeatable); Secrets Manager and SSM stay local
`;

export function parseSandboxOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SandboxOptions {
  const values = parseCommandLine(
    argv,
    {
      clients: { type: 'string', default: '2' },
      rotations: { type: 'string', default: '2' },
      'completion-delay': { type: 'string', default: '2' },
      'cdk-out': { type: 'string', default: 'cdk.out' },
      verbose: { type: 'boolean', default: false },
      'stytch-client': { type: 'string', multiple: true },
    },
    USAGE,
  );
  const count = (flag: string, raw: string, min: number, max: number): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got ${raw}`);
    }
    return value;
  };
  const clientIds = values['stytch-client'] ?? [];
  let realStytch: SandboxOptions['realStytch'];
  if (clientIds.length > 0) {
    const projectId = env.STYTCH_PROJECT_ID;
    const secret = env.STYTCH_SECRET;
    if (!projectId?.startsWith('project-test-') || !secret) {
      throw new UsageError(
        '--stytch-client needs STYTCH_PROJECT_ID (a project-test-… id) and STYTCH_SECRET in the environment',
      );
    }
    realStytch = { projectId, secret, clientIds };
  }
  return {
    clients: count('clients', values.clients, 1, 100),
    rotations: count('rotations', values.rotations, 1, 20),
    completionDelaySeconds: count('completion-delay', values['completion-delay'], 0, 600),
    realStytch,
    verbose: values.verbose,
    cdkOut: values['cdk-out'],
  };
}
