/**
 * The Stytch project credentials, read from an SSM SecureString and cached per container. Every
 * failure names the parameter and the AWS error and says what to do; none ever holds the value.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { Clock } from '../clock.ts';
import { CredentialsError, sanitizedCause } from '../errors.ts';

/**
 * The project credentials. `secret` is not enumerable, so spreading the object, `JSON.stringify`
 * and the logger never carry it along by accident; read it by name.
 */
export interface StytchCredentials {
  /** `project-test-…` or `project-live-…`. */
  readonly projectId: string;
  readonly secret: string;
}

export interface CredentialsSource {
  /** The credentials, from the cache while it is fresh, else from SSM. */
  get(): Promise<StytchCredentials>;
  /** Forgets the cached credentials, e.g. after Stytch answered 401 to them. */
  invalidate(): void;
}

export interface CredentialsSourceOptions {
  readonly ssm: SSMClient;
  /** The SecureString's name or ARN (`STYTCH_CREDENTIALS_PARAMETER`). */
  readonly parameterName: string;
  /** How long a read is reused; 0 reads on every call. */
  readonly cacheSeconds: number;
  readonly clock: Clock;
}

const PROJECT_PREFIXES = ['project-test-', 'project-live-'];
const EXPECTED_SHAPE = '{"project_id": "project-test-…", "secret": "…"}';

const UNAVAILABLE_HINTS: Readonly<Record<string, string>> = {
  ParameterNotFound:
    'create the SecureString parameter, or point STYTCH_CREDENTIALS_PARAMETER at the existing one',
  ParameterVersionNotFound: 'the parameter version does not exist; name the parameter without one',
  AccessDeniedException:
    "grant the function's role ssm:GetParameter on the parameter and kms:Decrypt on its key",
  InvalidKeyId:
    "the parameter's KMS key is disabled, deleted or not usable; re-encrypt it with a usable key",
  ThrottlingException: 'SSM is throttling; the rotation is retried later',
  InternalServerError: 'SSM failed; the rotation is retried later',
};
const DECRYPTION_HINT =
  "SSM could not decrypt the parameter: let the function's role use its KMS key (kms:Decrypt)";

/** Builds the per-container credentials source. */
export function createCredentialsSource(options: CredentialsSourceOptions): CredentialsSource {
  const { ssm, parameterName, clock } = options;
  const ttlMs = options.cacheSeconds * 1000;
  let cached: { credentials: StytchCredentials; readAt: number } | undefined;
  let inFlight: Promise<StytchCredentials> | undefined;

  const load = async (): Promise<StytchCredentials> => {
    let value: string | undefined;
    let type: string | undefined;
    try {
      const out = await ssm.send(
        new GetParameterCommand({ Name: parameterName, WithDecryption: true }),
      );
      value = out.Parameter?.Value;
      type = out.Parameter?.Type;
    } catch (error) {
      throw unavailable(parameterName, error);
    }
    const credentials = parseCredentials(parameterName, value, type);
    cached = { credentials, readAt: clock.now().getTime() };
    return credentials;
  };

  return {
    get() {
      if (cached !== undefined && clock.now().getTime() - cached.readAt < ttlMs) {
        return Promise.resolve(cached.credentials);
      }
      // Concurrent callers share one read; a failed read is not cached.
      inFlight ??= load().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/**
 * Validates the parameter's value: a JSON object with a `project_id` that starts with
 * `project-test-` or `project-live-` and a non-empty `secret`.
 * @throws CredentialsError (CREDENTIALS_INVALID) naming the parameter and the offending key
 */
export function parseCredentials(
  parameterName: string,
  value: string | undefined,
  type?: string,
): StytchCredentials {
  const invalid = (why: string): never => {
    throw new CredentialsError('CREDENTIALS_INVALID', {
      parameterName,
      message: `SSM parameter ${parameterName} ${why}; store ${EXPECTED_SHAPE} in it`,
    });
  };
  if (type === 'String' || type === 'StringList') {
    return invalid(`is a ${type}, not a SecureString, so the project secret is not encrypted`);
  }
  if (value === undefined || value.trim() === '') return invalid('has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // The parser's message quotes the text around the error: it must not become a cause.
    return invalid('is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return invalid('is not a JSON object');
  }
  const { project_id: projectId, secret } = parsed as Record<string, unknown>;
  if (typeof projectId !== 'string') return invalid('has no string "project_id"');
  if (!PROJECT_PREFIXES.some((prefix) => projectId.startsWith(prefix))) {
    return invalid(
      `has a "project_id" (${projectId.length} characters) that starts with neither ` +
        PROJECT_PREFIXES.map((p) => `"${p}"`).join(' nor '),
    );
  }
  if (typeof secret !== 'string' || secret.trim() === '') {
    return invalid('has no non-empty string "secret"');
  }
  const credentials = { projectId };
  Object.defineProperty(credentials, 'secret', { value: secret, enumerable: false });
  return Object.freeze(credentials) as StytchCredentials;
}

function unavailable(parameterName: string, error: unknown): CredentialsError {
  const awsErrorCode = error instanceof Error ? error.name : 'UnknownError';
  const looksLikeKms = /kms|decrypt/i.test(awsErrorCode);
  const hint = UNAVAILABLE_HINTS[awsErrorCode] ?? (looksLikeKms ? DECRYPTION_HINT : undefined);
  return new CredentialsError(
    'CREDENTIALS_UNAVAILABLE',
    {
      parameterName,
      awsErrorCode,
      message:
        `cannot read SSM parameter ${parameterName} (${awsErrorCode}); ` +
        (hint ?? 'see the cause, check the parameter and the function role, and retry'),
    },
    { cause: sanitizedCause(error) },
  );
}
