/**
 * The Stytch clients a construct manages: which kinds exist, how their secrets are named, and the
 * checks a client list must pass before any resource is built.
 */

/** One Stytch client whose secret the construct rotates. */
export interface StytchClientSpec {
  /** The Stytch client id: `connected-app-…` for a Connected App, `m2m-client-…` for an M2M client. */
  readonly clientId: string;
  /**
   * The name of the secret to create. A name outside `secretNamePrefix` is granted by its own ARN,
   * which makes the function's policy grow with every such client.
   * @default `${secretNamePrefix}${clientId}`
   */
  readonly secretName?: string;
  /**
   * The complete ARN (with its 6-character suffix) of an existing secret to adopt instead of
   * creating one. Its value must already hold `client_id`; the construct tags it and schedules its
   * rotation, and removes the tag when the stack is deleted.
   * @default - a new secret is created, holding only `{"client_id": …}`
   */
  readonly existingSecretArn?: string;
}

/**
 * The client id prefix of each Stytch client kind. Mirrors `lambda/stytch/kinds.ts` (lib may not
 * import lambda; a test keeps the two in step).
 */
export const CLIENT_ID_PREFIXES = ['connected-app-', 'm2m-client-'] as const;

/** The tag key that marks every secret a construct manages; the value is unique per construct. */
export const MANAGED_TAG_KEY = 'stytch-secret-rotation';

const CLIENT_ID = /^[A-Za-z0-9-]+$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const COMPLETE_SECRET_ARN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;

/** The default name of a created secret. */
export function defaultSecretName(prefix: string, clientId: string): string {
  return `${prefix}${clientId}`;
}

/** Problems with the client list, each naming the client by its position and the bad value. */
export function checkClients(clients: readonly StytchClientSpec[], secretNamePrefix: string) {
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

  clients.forEach((client, index) => {
    const at = `clients[${index}]`;
    const { clientId, secretName, existingSecretArn } = client;
    const validId =
      typeof clientId === 'string' &&
      CLIENT_ID_PREFIXES.some((prefix) => clientId.startsWith(prefix)) &&
      CLIENT_ID.test(clientId);
    if (!validId) {
      problems.push(
        `${at}.clientId must start with ${CLIENT_ID_PREFIXES.map((p) => `"${p}"`).join(' or ')} ` +
          `and hold only letters, digits and "-", got ${JSON.stringify(clientId)}`,
      );
    } else if (!claim(seenIds, clientId, index, 'client id')) {
      return; // a repeated client repeats its secret too: one message is enough
    }
    if (existingSecretArn !== undefined && secretName !== undefined) {
      problems.push(
        `${at} sets both secretName and existingSecretArn; an adopted secret keeps its name, ` +
          `got "${secretName}" and "${existingSecretArn}"`,
      );
    }
    if (existingSecretArn !== undefined) {
      if (!COMPLETE_SECRET_ARN.test(existingSecretArn)) {
        problems.push(
          `${at}.existingSecretArn must be a complete secret ARN ending in its 6-character suffix ` +
            `(arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf), got "${existingSecretArn}"`,
        );
      } else {
        claim(seenSecrets, existingSecretArn, index, 'secret');
      }
    } else if (secretName !== undefined || validId) {
      // A default name derived from a bad id would only repeat the id's problem.
      const name = secretName ?? defaultSecretName(secretNamePrefix, clientId);
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

/** Problems with the prefix under which created secrets are named. */
export function checkSecretNamePrefix(prefix: string): string[] {
  if (!/^[A-Za-z0-9_+=.@-][A-Za-z0-9/_+=.@-]*\/$/.test(prefix) || prefix.length > 400) {
    return [
      'secretNamePrefix must end in "/", not start with "/", and hold only A-Z a-z 0-9 / _ + = . @ -, ' +
        `got "${prefix}"`,
    ];
  }
  return [];
}
