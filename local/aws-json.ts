import { randomUUID } from 'node:crypto';
import { HttpError, type LocalRequest, type Reply, type Routed } from './http-server.ts';

/**
 * The AWS JSON 1.1 protocol shared by the local Secrets Manager and SSM: `POST /` with
 * `X-Amz-Target: <prefix>.<Operation>`, a JSON body in, a JSON body out, and errors as
 * `{"__type": code, "Message"|"message": text}` plus the `x-amzn-errortype` header, which the JS SDK
 * reads first (Secrets Manager API reference, "Common Errors"; smithy `loadJsonRpcErrorCode`).
 */

const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** An error the service answers with; `code` goes to `__type` and `x-amzn-errortype`. */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** Secrets Manager capitalises the message member, SSM does not. */
export type MessageKey = 'Message' | 'message';

/** One operation: reads its input, applies its effect, returns the wire output. */
export type AwsOperation = (input: Input) => object | Promise<object>;

export interface AwsJsonService {
  /** The part of `X-Amz-Target` before the dot: `secretsmanager`, `AmazonSSM`. */
  readonly targetPrefix: string;
  readonly messageKey: MessageKey;
  readonly operations: Readonly<Record<string, AwsOperation>>;
}

/** The error reply for `code`. */
export function awsErrorReply(
  code: string,
  message: string,
  status: number,
  messageKey: MessageKey,
): Reply {
  return {
    status,
    headers: {
      'content-type': CONTENT_TYPE,
      'x-amzn-errortype': code,
      'x-amzn-requestid': randomUUID(),
    },
    body: { __type: code, [messageKey]: message },
  };
}

/**
 * The error code for an injected fault. A 429 (and the shared server's default `too_many_requests`)
 * becomes `ThrottlingException`, which the SDK classifies as throttling and retries; 5xx become the
 * service's own server fault.
 */
export function faultErrorCode(
  status: number,
  errorType: string | undefined,
  serverFault: string,
): string {
  if (errorType && errorType !== 'too_many_requests') return errorType;
  if (status === 429) return 'ThrottlingException';
  if (status === 503) return 'ServiceUnavailable';
  if (status >= 500) return serverFault;
  return 'ValidationException';
}

/**
 * Routes one request. Parsing happens here, before any effect; only `run` touches state. Signature
 * V4 is not checked: any Authorization header is accepted.
 */
export function routeAwsJson(service: AwsJsonService, req: LocalRequest): Routed {
  const fail = (code: string, message: string, status = 400): never => {
    throw new HttpError(awsErrorReply(code, message, status, service.messageKey));
  };
  if (req.method !== 'POST' || req.path !== '/') {
    fail('UnknownOperationException', `${req.method} ${req.path} is not an AWS JSON 1.1 call`, 404);
  }
  const target = String(req.headers['x-amz-target'] ?? '');
  const dot = target.lastIndexOf('.');
  const prefix = target.slice(0, dot);
  const operation = target.slice(dot + 1);
  const handler = service.operations[operation];
  if (dot < 0 || prefix !== service.targetPrefix || !handler) {
    fail('UnknownOperationException', `unknown operation ${JSON.stringify(target)}`);
  }
  const input = parseBody(req.body, fail);
  return {
    operation,
    run: async () => {
      try {
        return {
          status: 200,
          headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() },
          body: await (handler as AwsOperation)(input),
        };
      } catch (error) {
        if (!(error instanceof AwsServiceError)) throw error;
        return awsErrorReply(error.code, error.message, error.status, service.messageKey);
      }
    },
  };
}

function parseBody(body: string, fail: (code: string, message: string) => never): Input {
  let parsed: unknown;
  try {
    parsed = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    fail('SerializationException', 'the request body is not valid JSON');
  }
  if (!isObject(parsed)) fail('SerializationException', 'the request body must be a JSON object');
  return new Input(parsed as Record<string, unknown>);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Typed reads of a request's members. A wrong JSON type is a `SerializationException`, a missing
 * required member or a broken length constraint a `ValidationException` worded like AWS's
 * ("1 validation error detected: ...").
 */
export class Input {
  constructor(private readonly raw: Readonly<Record<string, unknown>>) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  string(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined) throw validationError(name, 'null', 'Member must not be null');
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.#typed(name, 'string', (v): v is string => typeof v === 'string');
  }

  optionalBoolean(name: string): boolean | undefined {
    return this.#typed(name, 'boolean', (v): v is boolean => typeof v === 'boolean');
  }

  optionalInteger(name: string): number | undefined {
    return this.#typed(name, 'integer', (v): v is number => Number.isInteger(v));
  }

  optionalStringList(name: string): string[] | undefined {
    return this.#typed(
      name,
      'list of strings',
      (v): v is string[] => Array.isArray(v) && v.every((item) => typeof item === 'string'),
    );
  }

  optionalObject(name: string): Input | undefined {
    const value = this.#typed(name, 'object', isObject);
    return value && new Input(value);
  }

  optionalObjectList(name: string): Input[] | undefined {
    const list = this.#typed(
      name,
      'list of objects',
      (v): v is Record<string, unknown>[] => Array.isArray(v) && v.every(isObject),
    );
    return list?.map((item) => new Input(item));
  }

  #typed<T>(name: string, expected: string, guard: (value: unknown) => value is T): T | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (!guard(value)) {
      throw new AwsServiceError('SerializationException', `${name} must be a ${expected}`);
    }
    return value;
  }
}

/** AWS's wording for a broken model constraint. The value is never echoed: it may be a secret. */
export function validationError(member: string, shown: string, constraint: string) {
  const camel = member.charAt(0).toLowerCase() + member.slice(1);
  return new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value ${shown} at '${camel}' failed to satisfy constraint: ${constraint}`,
  );
}

/** Enforces a model length constraint (in characters unless `bytes`). */
export function checkLength(
  member: string,
  value: string | undefined,
  min: number,
  max: number,
  unit: 'characters' | 'bytes' = 'characters',
): void {
  if (value === undefined) return;
  const length = unit === 'bytes' ? Buffer.byteLength(value, 'utf8') : value.length;
  if (length < min) {
    throw validationError(
      member,
      'not shown',
      `Member must have length greater than or equal to ${min}`,
    );
  }
  if (length > max) {
    throw validationError(
      member,
      'not shown',
      `Member must have length less than or equal to ${max}`,
    );
  }
}

/** Enforces a model range constraint on an integer member. */
export function checkRange(member: string, value: number | undefined, min: number, max: number) {
  if (value === undefined) return;
  if (value < min || value > max) {
    throw validationError(
      member,
      String(value),
      `Member must have value between ${min} and ${max}, inclusive`,
    );
  }
}

/** AWS JSON timestamps: epoch seconds as a JSON number. */
export function epochSeconds(date: Date): number;
export function epochSeconds(date: Date | undefined): number | undefined;
export function epochSeconds(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : date.getTime() / 1000;
}
