/**
 * The JSON a rotated secret holds: `client_id`, `client_secret` (absent before the first rotation)
 * and any other keys the owner keeps there, which every new version carries over verbatim.
 */
import { SecretValueError } from '../errors.ts';
import { type ClientKind, findClientKind, knownPrefixes } from '../stytch/kinds.ts';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

// Module-private doors into the class, opened in its static block: only this module may build a
// value from validated fields or read the raw fields back.
let create!: (
  fields: Record<string, unknown>,
  clientId: string,
  kind: ClientKind,
) => ClientSecretValue;
let rawFieldsOf!: (value: ClientSecretValue) => Readonly<Record<string, unknown>>;

/**
 * A parsed, validated secret value. The secret sits in a private field: `JSON.stringify`, the
 * logger, spreading and `util.inspect` all see at most a redacted view (id, kind, last four, key
 * names). Only {@link serializeSecretValue} writes the real JSON.
 */
export class ClientSecretValue {
  readonly #fields: Readonly<Record<string, unknown>>;
  readonly clientId: string;
  readonly kind: ClientKind;

  static {
    create = (fields, clientId, kind) => new ClientSecretValue(fields, clientId, kind);
    rawFieldsOf = (value) => value.#fields;
  }

  private constructor(fields: Record<string, unknown>, clientId: string, kind: ClientKind) {
    this.#fields = Object.freeze({ ...fields });
    this.clientId = clientId;
    this.kind = kind;
  }

  /** The client secret, or `undefined` before the first rotation (bootstrap). Never log it. */
  get clientSecret(): string | undefined {
    const secret = this.#fields.client_secret;
    return typeof secret === 'string' ? secret : undefined;
  }

  /** The names of every key, in stored order. */
  get keys(): readonly string[] {
    return Object.keys(this.#fields);
  }

  /** The redacted view that logs and `JSON.stringify` see. */
  toJSON(): Record<string, unknown> {
    const secret = this.clientSecret;
    return {
      client_id: this.clientId,
      kind: this.kind,
      client_secret_last_four: secret === undefined ? null : lastFour(secret),
      keys: this.keys,
    };
  }

  [INSPECT](): Record<string, unknown> {
    return this.toJSON();
  }
}

/**
 * Parses and validates a secret value: a JSON object whose `client_id` is a string with a known prefix
 * and whose optional `client_secret` is a non-empty string. Other keys are kept as they are.
 * @param raw the SecretString, `undefined` when the version has none (e.g. a binary secret)
 * @param where names the version for messages, e.g. `AWSCURRENT of arn:…:secret:x`
 * @throws SecretValueError naming `where` and the offending key; never containing the value
 */
export function parseSecretValue(raw: string | undefined, where: string): ClientSecretValue {
  const fail = (why: string, fix: string): never => {
    throw new SecretValueError(`secret value of ${where} ${why}; ${fix}`);
  };
  if (raw === undefined) {
    return fail('has no SecretString', 'store the secret as a JSON string, not binary');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // The parser's message quotes the input around the error, so it must not become the cause.
    return fail(
      'is not valid JSON',
      'store a JSON object such as {"client_id": "connected-app-test-…"}',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const got = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed;
    return fail(`is ${got}, not a JSON object`, 'store a JSON object with a client_id key');
  }
  const fields = parsed as Record<string, unknown>;
  const clientId = fields.client_id;
  if (clientId === undefined) {
    return fail('has no client_id', 'add the Stytch client id under the key "client_id"');
  }
  if (typeof clientId !== 'string') {
    return fail(`has a client_id of type ${typeOf(clientId)}`, 'client_id must be a string');
  }
  const kind = findClientKind(clientId);
  if (kind === undefined) {
    // The value is not echoed: a secret pasted into the wrong key would otherwise reach the logs.
    return fail(
      `has a client_id (${clientId.length} characters) that starts with neither ${knownPrefixes()}`,
      'set client_id to a Connected App or M2M client id',
    );
  }
  const secret = fields.client_secret;
  if (secret !== undefined && (typeof secret !== 'string' || secret.length === 0)) {
    const got = typeof secret === 'string' ? 'an empty string' : `of type ${typeOf(secret)}`;
    return fail(
      `has a client_secret that is ${got}`,
      'client_secret must be a non-empty string, or be absent before the first rotation',
    );
  }
  return create(fields, clientId, kind);
}

/** A copy of `value` whose `client_secret` is `secret`; every other key is unchanged. */
export function withClientSecret(value: ClientSecretValue, secret: string): ClientSecretValue {
  if (secret.length === 0) throw new SecretValueError('a new client_secret must not be empty');
  return create({ ...rawFieldsOf(value), client_secret: secret }, value.clientId, value.kind);
}

/** The JSON to store as SecretString, every key included. Holds the secret: never log it. */
export function serializeSecretValue(value: ClientSecretValue): string {
  return JSON.stringify(rawFieldsOf(value));
}

/** The last four characters of a secret: what Stytch reports as `*_secret_last_four`. */
export function lastFour(secret: string): string {
  return secret.slice(-4);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
