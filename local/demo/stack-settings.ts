/**
 * What the demo cloud takes from cdk.json, read as the stack reads it: the clients and their secret
 * names, the stack name, and the reconcile interval. (The function's own settings, such as the
 * completion delay, come from the synthesized template instead.)
 */
import { readFileSync } from 'node:fs';

/** One client of the stack, and the name of the secret the stack would create for it. */
export interface StackClient {
  readonly clientId: string;
  readonly secretName: string;
}

export interface StackSettings {
  readonly stackName: string;
  readonly clients: readonly StackClient[];
  /** `reconcileIntervalMinutes`. @default 15 */
  readonly reconcileIntervalMinutes: number;
}

interface ContextClient {
  readonly clientId?: unknown;
  readonly secretName?: unknown;
  readonly existingSecretArn?: unknown;
}

/**
 * Reads cdk.json's context. Problems the synthesis would already have refused are not re-checked;
 * a client without a string id is skipped.
 * @throws Error when the file cannot be read or is not JSON
 */
export function readStackSettings(cdkJsonPath = 'cdk.json'): StackSettings {
  const context = (JSON.parse(readFileSync(cdkJsonPath, 'utf8')).context ?? {}) as Record<
    string,
    unknown
  >;
  const stackName =
    typeof context.stackName === 'string' ? context.stackName : 'StytchSecretRotation';
  const listed = Array.isArray(context.clients) ? (context.clients as ContextClient[]) : [];
  const clients = listed.flatMap((client) =>
    typeof client.clientId === 'string'
      ? [{ clientId: client.clientId, secretName: secretNameOf(client, stackName) }]
      : [],
  );
  const minutes = Number(context.reconcileIntervalMinutes ?? 15);
  return {
    stackName,
    clients,
    reconcileIntervalMinutes: Number.isFinite(minutes) && minutes > 0 ? minutes : 15,
  };
}

/** As the stack names them: `secretName`, the adopted secret's name, else stytch/<stack>/<id>. */
function secretNameOf(client: ContextClient, stackName: string): string {
  if (typeof client.secretName === 'string') return client.secretName;
  if (typeof client.existingSecretArn === 'string') {
    // arn:aws:secretsmanager:region:account:secret:<name>-<6 characters>
    const name = client.existingSecretArn.split(':secret:')[1];
    if (name !== undefined) return name.replace(/-[A-Za-z0-9]{6}$/, '');
  }
  return `stytch/${stackName}/${String(client.clientId)}`;
}
