/**
 * Before the first deploy the stack's settings live in cdk.json. The doctor reads the ones it
 * needs from the context there, for whatever flags and environment leave open, so `stytch-rotation
 * doctor` in the project checks exactly what `cdk deploy` would deploy.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { CliFlags } from '../args.ts';
import { usageError } from '../exit-codes.ts';

/**
 * `flags` completed from `cdkJsonPath`'s context: credentialsParameterName, clients, projectDomain
 * and stytchApiBaseUrl, each only when neither its flag nor its environment variable is set.
 * @throws CliError (usage) when cdk.json exists but is not JSON
 */
export function withStackDefaults(
  flags: CliFlags,
  env: Readonly<Record<string, string | undefined>>,
  cdkJsonPath = 'cdk.json',
): CliFlags {
  if (!existsSync(cdkJsonPath)) return flags;
  let context: Record<string, unknown>;
  try {
    context = (JSON.parse(readFileSync(cdkJsonPath, 'utf8')).context ?? {}) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw usageError(`${cdkJsonPath} is not JSON (${(error as Error).message})`);
  }
  const text = (key: string) => {
    const value = context[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const clients = Array.isArray(context.clients)
    ? context.clients.flatMap((client: { clientId?: unknown }) =>
        typeof client?.clientId === 'string' ? [client.clientId] : [],
      )
    : [];
  return {
    ...flags,
    credentialsParameter:
      flags.credentialsParameter ??
      (env.STYTCH_CREDENTIALS_PARAMETER ? undefined : text('credentialsParameterName')),
    projectDomain:
      flags.projectDomain ?? (env.STYTCH_PROJECT_DOMAIN ? undefined : text('projectDomain')),
    stytchApiBaseUrl:
      flags.stytchApiBaseUrl ?? (env.STYTCH_API_BASE_URL ? undefined : text('stytchApiBaseUrl')),
    clients: flags.clients.length > 0 ? flags.clients : clients,
  };
}
