import { randomBytes } from 'node:crypto';
import type { Clock } from '../../lambda/clock.ts';
import { AwsServiceError, checkLength, epochSeconds } from '../aws-json.ts';

export type ParameterType = 'String' | 'StringList' | 'SecureString';
const TYPES = new Set<string>(['String', 'StringList', 'SecureString']);
/** SSM's default key for SecureString: the AWS managed key `aws/ssm`. */
export const DEFAULT_KEY_ID = 'alias/aws/ssm';
/** Standard tier: values up to 4 KB (SSM user guide, "Managing parameter tiers"). */
const MAX_VALUE_LENGTH = 4096;
const NAME = /^[a-zA-Z0-9_.\-/]+$/;

interface ParameterVersion {
  readonly version: number;
  readonly type: ParameterType;
  readonly value: string;
  /** What a SecureString read without decryption shows: random, never derived from the value. */
  readonly ciphertext: string | undefined;
  readonly keyId: string | undefined;
  readonly description: string | undefined;
  readonly lastModifiedDate: Date;
}

/** What PutParameter (and the seeding helper) takes. */
export interface PutParameterInput {
  readonly name: string;
  readonly value: string;
  /** Required for a new parameter; kept from the latest version on overwrite when omitted. */
  readonly type?: ParameterType;
  readonly overwrite?: boolean;
  readonly keyId?: string;
  readonly description?: string;
}

function notFound(name: string): AwsServiceError {
  return new AwsServiceError('ParameterNotFound', `Parameter ${name} not found.`);
}

function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message);
}

/** Every parameter of one emulated account and region, with their version histories. */
export class ParameterStore {
  readonly #parameters = new Map<string, ParameterVersion[]>();
  readonly #brokenKeys = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /**
   * PutParameter (SSM API reference): ParameterAlreadyExists without Overwrite; a new parameter
   * needs a Type; KeyId only for SecureString; values up to 4096 characters. Names: letters,
   * digits, `_.-/`, up to 1011 characters, hierarchies start with `/`, and no `aws`/`ssm` prefix.
   */
  put(input: PutParameterInput): { version: number } {
    checkName(input.name);
    checkLength('Value', input.value, 1, MAX_VALUE_LENGTH);
    if (input.type !== undefined && !TYPES.has(input.type)) {
      throw validation(`Type must be one of String, StringList, SecureString`);
    }
    const history = this.#parameters.get(input.name);
    if (history && !input.overwrite) {
      throw new AwsServiceError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    const latest = history?.at(-1);
    const type = input.type ?? latest?.type;
    if (!type) throw validation('A parameter type is required when you create a parameter.');
    if (input.keyId !== undefined && type !== 'SecureString') {
      throw validation('KeyId is required for SecureString type parameter only.');
    }
    const keyId =
      type === 'SecureString' ? (input.keyId ?? latest?.keyId ?? DEFAULT_KEY_ID) : undefined;
    if (keyId) this.#checkKey(keyId);
    const version: ParameterVersion = {
      version: (latest?.version ?? 0) + 1,
      type,
      value: input.value,
      ciphertext: type === 'SecureString' ? fakeCiphertext() : undefined,
      keyId,
      description: input.description ?? latest?.description,
      lastModifiedDate: this.clock.now(),
    };
    this.#parameters.set(input.name, [...(history ?? []), version]);
    return { version: version.version };
  }

  /**
   * The wire `Parameter` for a name, an ARN, or either with a `:version` selector. A SecureString
   * read without decryption shows an opaque ciphertext, never the value.
   */
  get(nameOrArn: string, withDecryption: boolean): Record<string, unknown> {
    const { name, versionSelector } = this.#resolve(nameOrArn);
    const history = this.#parameters.get(name);
    if (!history) throw notFound(nameOrArn);
    const found =
      versionSelector === undefined
        ? history.at(-1)
        : history.find((v) => v.version === versionSelector);
    if (!found) {
      throw new AwsServiceError(
        'ParameterVersionNotFound',
        `Systems Manager could not find version ${versionSelector} of ${name}.`,
      );
    }
    const decrypt = found.type === 'SecureString' && withDecryption;
    if (decrypt && found.keyId) this.#checkKey(found.keyId);
    return {
      Name: name,
      Type: found.type,
      Value: found.type === 'SecureString' && !decrypt ? found.ciphertext : found.value,
      Version: found.version,
      ...(versionSelector === undefined ? {} : { Selector: `:${versionSelector}` }),
      LastModifiedDate: epochSeconds(found.lastModifiedDate),
      ARN: this.arnOf(name),
      DataType: 'text',
    };
  }

  /** Whether `nameOrArn` names a stored parameter (selector ignored). */
  has(nameOrArn: string): boolean {
    return this.#parameters.has(this.#resolve(nameOrArn).name);
  }

  delete(name: string): void {
    if (!this.#parameters.delete(this.#resolve(name).name)) throw notFound(name);
  }

  /** Makes the KMS key of `name`'s latest version unusable, for every parameter using it. */
  breakKey(name: string): void {
    this.#brokenKeys.add(this.#keyOf(name));
  }

  /** Undoes `breakKey`. */
  repairKey(name: string): void {
    this.#brokenKeys.delete(this.#keyOf(name));
  }

  /** `arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>`. */
  arnOf(name: string): string {
    return `arn:aws:ssm:${this.region}:${this.accountId}:parameter/${name.replace(/^\//, '')}`;
  }

  #keyOf(name: string): string {
    const latest = this.#parameters.get(name)?.at(-1);
    if (!latest?.keyId) throw new Error(`${name} is not a SecureString parameter in the local SSM`);
    return latest.keyId;
  }

  /**
   * A disabled or inaccessible key. SSM API reference, GetParameter/PutParameter errors:
   * InvalidKeyId; SSM passes KMS's own error code along in the message.
   */
  #checkKey(keyId: string): void {
    if (this.#brokenKeys.has(keyId)) {
      throw new AwsServiceError(
        'InvalidKeyId',
        `${keyId} is disabled. (Service: AWSKMS; Status Code: 400; Error Code: DisabledException)`,
      );
    }
  }

  #resolve(nameOrArn: string): { name: string; versionSelector?: number } {
    const prefix = `arn:aws:ssm:${this.region}:${this.accountId}:parameter/`;
    const isArn = nameOrArn.startsWith('arn:');
    if (isArn && !nameOrArn.startsWith(prefix)) throw notFound(nameOrArn);
    const rest = isArn ? nameOrArn.slice(prefix.length) : nameOrArn;
    const colon = rest.indexOf(':');
    const base = colon < 0 ? rest : rest.slice(0, colon);
    const selector = colon < 0 ? undefined : rest.slice(colon + 1);
    if (selector !== undefined && !/^\d+$/.test(selector)) {
      throw validation('parameter labels are not supported by the local SSM; use :<version>');
    }
    const versionSelector = selector === undefined ? undefined : Number(selector);
    if (!isArn) return { name: base, versionSelector };
    // `parameter/a/b` is the ARN of `/a/b`, `parameter/x` the ARN of `x` (or of `/x`).
    const name = base.includes('/') || this.#parameters.has(`/${base}`) ? `/${base}` : base;
    return { name, versionSelector };
  }
}

function checkName(name: string): void {
  checkLength('Name', name, 1, 1011);
  if (!NAME.test(name)) {
    throw validation('Parameter name must only contain letters, numbers and the symbols _.-/');
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw validation('Parameter name: a hierarchical name must begin with a forward slash (/).');
  }
  if (/^\/?(aws|ssm)/i.test(name)) {
    throw validation('Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).');
  }
}

/** Shaped like a KMS ciphertext blob (header bytes 01 02 02 00 78, base64 `AQICAH...`). */
function fakeCiphertext(): string {
  return Buffer.concat([Buffer.from([1, 2, 2, 0, 0x78]), randomBytes(180)]).toString('base64');
}
