/**
 * The Stytch clients a construct manages: which kinds exist, how their secrets are named, and the
 * checks a client list must pass before any resource is built. Every value may be a CDK token
 * (a parameter, an attribute of another resource); a token is checked by CloudFormation at deploy,
 * a literal here at synth.
 */
import { Token } from 'aws-cdk-lib';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** One Stytch client whose secret the construct rotates. */
export interface StytchClientSpec {
  /** The Stytch client id: `connected-app-…` for a Connected App, `m2m-client-…` for an M2M client. */
  readonly clientId: string;
  /**
   * The name of the secret to create. Changing it later creates a new secret and keeps the old one
   * (see docs/production-cdk.md, "Renaming a secret").
   * @default `${secretNamePrefix}${clientId}`
   */
  readonly secretName?: string;
  /**
   * An existing secret to adopt instead of creating one (`Secret.fromSecretNameV2`,
   * `Secret.fromSecretCompleteArn`, or a `new Secret` of the same app). Its value must already hold
   * `client_id`; the construct tags it and schedules its rotation, and removes the tags when the
   * stack lets go of it. Its `encryptionKey`, if set, is granted to the function.
   * @default - a new secret is created, holding only `{"client_id": …}`
   */
  readonly existingSecret?: secretsmanager.ISecret;
}

/**
 * The client id prefix of each Stytch client kind. Mirrors `lambda/stytch/kinds.ts` (lib may not
 * import lambda; a test keeps the two in step).
 */
export const CLIENT_ID_PREFIXES = ['connected-app-', 'm2m-client-'] as const;

/** The tag key that marks every secret a construct manages; the value is unique per construct. */
export const MANAGED_TAG_KEY = 'stytch-secret-rotation';

/** The tag naming the Stytch client a managed secret belongs to; the function checks it. */
export const CLIENT_ID_TAG_KEY = 'stytch-secret-rotation:client-id';

const CLIENT_ID = /^[A-Za-z0-9-]+$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** The default name of a created secret. */
export function defaultSecretName(prefix: string, clientId: string): string {
  return `${prefix}${clientId}`;
}

/** What the checks read of a client: an adopted secret only by its ARNs. */
export interface CheckableClient {
  readonly clientId: string;
  readonly secretName?: string;
  readonly existingSecret?: Pick<secretsmanager.ISecret, 'secretArn' | 'secretFullArn'>;
}

/** Problems with the client list, each naming the client by its position and the bad value. */
export function checkClients(clients: readonly CheckableClient[], secretNamePrefix: string) {
  const problems: string[] = [];
  if (clients.length === 0) problems.push('clients must list at least one Stytch client, got none');
  const seenIds = new Map<string, number>();
  const seenSecrets = new Map<string, number>();
  /** Records the key; a repeat is reported once and returns false. */
  const claim = (seen: Map<string, number>, key: string, index: number, what: string) => {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else problems.push(`clients[${index}] repeats the ${what} of clients[${first}]: "${key}"`);
    return first === undefined;
  };

  const seenAdopted = new Map<object, number>();
  clients.forEach((client, index) => {
    const at = `clients[${index}]`;
    const { clientId, secretName, existingSecret } = client;
    const idIsToken = typeof clientId === 'string' && Token.isUnresolved(clientId);
    const validId =
      idIsToken ||
      (typeof clientId === 'string' &&
        CLIENT_ID_PREFIXES.some((prefix) => clientId.startsWith(prefix)) &&
        CLIENT_ID.test(clientId));
    if (!validId) {
      problems.push(
        `${at}.clientId must start with ${CLIENT_ID_PREFIXES.map((p) => `"${p}"`).join(' or ')} ` +
          `and hold only letters, digits and "-", got ${JSON.stringify(clientId)}`,
      );
    } else if (!idIsToken && !claim(seenIds, clientId, index, 'client id')) {
      return; // a repeated client repeats its secret too: one message is enough
    }
    if (existingSecret !== undefined && secretName !== undefined) {
      problems.push(
        `${at} sets both secretName and existingSecret; an adopted secret keeps its name, ` +
          `got "${secretName}" and ${describeSecret(existingSecret)}`,
      );
    }
    if (existingSecret !== undefined) {
      const first = seenAdopted.get(existingSecret);
      if (first !== undefined) {
        problems.push(`${at} adopts the same secret as clients[${first}]`);
      } else {
        seenAdopted.set(existingSecret, index);
        const arn = existingSecret.secretFullArn ?? existingSecret.secretArn;
        if (!Token.isUnresolved(arn)) claim(seenSecrets, arn, index, 'secret');
      }
    } else if (secretName !== undefined || (validId && !idIsToken)) {
      // A default name derived from a bad id would only repeat the id's problem.
      const name = secretName ?? defaultSecretName(secretNamePrefix, clientId);
      if (Token.isUnresolved(name)) return;
      if (!SECRET_NAME.test(name)) {
        problems.push(
          `${at}.secretName must be 1 to 512 of A-Z a-z 0-9 / _ + = . @ -, got "${name}"`,
        );
      } else if (/-[A-Za-z0-9]{6}$/.test(name)) {
        // Secrets Manager appends "-XXXXXX"; a name that already ends like that makes ARNs ambiguous.
        problems.push(`${at}.secretName must not end in "-" and 6 characters, got "${name}"`);
      } else {
        claim(seenSecrets, name, index, 'secret name');
      }
    }
  });
  return problems;
}

/** How a message names an adopted secret without resolving tokens. */
function describeSecret(secret: NonNullable<CheckableClient['existingSecret']>): string {
  const arn = secret.secretFullArn ?? secret.secretArn;
  return Token.isUnresolved(arn) ? 'an existing secret given as a token' : `"${arn}"`;
}

/** Problems with the prefix under which created secrets are named. */
export function checkSecretNamePrefix(prefix: string): string[] {
  if (Token.isUnresolved(prefix)) return [];
  if (!/^[A-Za-z0-9_+=.@-][A-Za-z0-9/_+=.@-]*\/$/.test(prefix) || prefix.length > 400) {
    return [
      'secretNamePrefix must end in "/", not start with "/", and hold only A-Z a-z 0-9 / _ + = . @ -, ' +
        `got "${prefix}"`,
    ];
  }
  return [];
}
