/**
 * The `clients` context entry of the CDK app: its shape, read and checked in context terms, and
 * how the construct's checks see it (an adopted secret only by its ARN or name).
 */
import type { CheckableClient } from './clients.ts';

/** One entry of context `clients`; the stack turns an adopted one into an `ISecret`. */
export interface AppClientConfig {
  readonly clientId: string;
  readonly secretName?: string;
  /** The complete ARN of a secret to adopt (`Secret.fromSecretCompleteArn`). */
  readonly existingSecretArn?: string;
  /** The name of a secret to adopt (`Secret.fromSecretNameV2`). */
  readonly existingSecretName?: string;
}

const CLIENT_KEYS = ['clientId', 'secretName', 'existingSecretArn', 'existingSecretName'];

const CLIENT_SHAPE = '{clientId, secretName?, existingSecretArn?, existingSecretName?}';

const COMPLETE_SECRET_ARN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** A client as the construct's checks see it: an adopted secret by an ARN that identifies it. */
export function checkableClient(client: AppClientConfig): CheckableClient {
  const adopted = client.existingSecretArn ?? client.existingSecretName;
  return {
    clientId: client.clientId,
    secretName: client.secretName,
    existingSecret:
      adopted === undefined
        ? undefined
        : {
            secretArn: client.existingSecretArn ?? `name:${client.existingSecretName}`,
            secretFullArn: client.existingSecretArn,
          },
  };
}

/** The clients, index for index, so the construct's `clients[i]` messages name the right entry. */
export function readClients(
  raw: unknown,
  problems: string[],
  reported: Set<number>,
): AppClientConfig[] {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push(`context clients must be a JSON list of ${CLIENT_SHAPE}, got ${raw}`);
      return [];
    }
  }
  if (value === undefined || value === null) {
    problems.push(`context clients is required: a list of ${CLIENT_SHAPE}`);
    return [];
  }
  if (!Array.isArray(value)) {
    problems.push(
      `context clients must be a list of ${CLIENT_SHAPE}, got ${JSON.stringify(value)}`,
    );
    return [];
  }
  return value.map((entry: unknown, index): AppClientConfig => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(
        `context clients[${index}] must be ${CLIENT_SHAPE}, got ${JSON.stringify(entry)}`,
      );
      reported.add(index);
      return { clientId: '' };
    }
    const fields = entry as Record<string, unknown>;
    for (const [key, field] of Object.entries(fields)) {
      if (!CLIENT_KEYS.includes(key)) {
        problems.push(
          `context clients[${index}] has unknown key "${key}"; allowed: ${CLIENT_KEYS.join(', ')}`,
        );
      } else if (key !== 'clientId' && typeof field !== 'string') {
        problems.push(
          `context clients[${index}].${key} must be a string, got ${JSON.stringify(field)}`,
        );
      }
    }
    const optional = (key: string) =>
      typeof fields[key] === 'string' ? (fields[key] as string) : undefined;
    const existingSecretArn = optional('existingSecretArn');
    const existingSecretName = optional('existingSecretName');
    if (existingSecretArn !== undefined && !COMPLETE_SECRET_ARN.test(existingSecretArn)) {
      problems.push(
        `context clients[${index}].existingSecretArn must be a complete secret ARN ending in its ` +
          '6-character suffix (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf), ' +
          `got "${existingSecretArn}"; or give the name as existingSecretName`,
      );
    }
    if (existingSecretName !== undefined && !SECRET_NAME.test(existingSecretName)) {
      problems.push(
        `context clients[${index}].existingSecretName must be 1 to 512 of A-Z a-z 0-9 / _ + = . @ -, ` +
          `got "${existingSecretName}"`,
      );
    }
    if (existingSecretArn !== undefined && existingSecretName !== undefined) {
      problems.push(
        `context clients[${index}] sets both existingSecretArn and existingSecretName; give one`,
      );
    }
    return {
      clientId: fields.clientId as string,
      secretName: optional('secretName'),
      existingSecretArn,
      existingSecretName,
    };
  });
}
