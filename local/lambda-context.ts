import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  /** The function's ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`) or a bare name. */
  readonly functionArn: string;
  /** The invocation's timeout; `getRemainingTimeInMillis()` counts down from it in real time. */
  readonly timeoutMs: number;
  /** @default 128 */
  readonly memoryLimitInMB?: number;
  /** @default a random UUID */
  readonly awsRequestId?: string;
}

/** The parts of a Lambda context that survive a trip over IPC to a worker process. */
export interface SerializableLambdaContext {
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/** The function name inside a Lambda function ARN, or the string itself when it is not an ARN. */
export function functionNameOf(functionArn: string): string {
  const parts = functionArn.split(':');
  return parts[0] === 'arn' && parts[5] === 'function' && parts[6] ? parts[6] : functionArn;
}

/**
 * A context shaped like the one the Node.js Lambda runtime passes (@types/aws-lambda `Context`).
 * Time is wall-clock (`performance.now()`), as Lambda's timeout is, not the injectable Clock.
 * The legacy `done`/`fail`/`succeed` callbacks throw: the rotation function must return a promise,
 * and a handler relying on them should fail loudly here rather than hang.
 */
export function createLambdaContext(options: LambdaContextOptions): Context {
  const deadline = performance.now() + options.timeoutMs;
  const legacy = (name: string) => () => {
    throw new Error(
      `context.${name}() is not supported locally: return a promise from the handler`,
    );
  };
  return {
    ...describeInvocation(options),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())),
    done: legacy('done'),
    fail: legacy('fail'),
    succeed: legacy('succeed'),
  };
}

/** The serialisable fields of a context for this invocation. */
export function describeInvocation(options: LambdaContextOptions): SerializableLambdaContext {
  const functionName = functionNameOf(options.functionArn);
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    awsRequestId: options.awsRequestId ?? randomUUID(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: options.functionArn,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 128),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
  };
}

/** How Lambda reports a timeout: `Sandbox.Timedout: Task timed out after N.NN seconds`. */
export function lambdaTimeoutError(timeoutMs: number): Error {
  const error = new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
  error.name = 'Sandbox.Timedout';
  return error;
}

/** The serialisable fields of an existing context, to rebuild it in another process. */
export function serializeContext(context: Context): SerializableLambdaContext {
  const {
    awsRequestId,
    functionName,
    functionVersion,
    invokedFunctionArn,
    memoryLimitInMB,
    logGroupName,
    logStreamName,
  } = context;
  return {
    awsRequestId,
    functionName,
    functionVersion,
    invokedFunctionArn,
    memoryLimitInMB,
    logGroupName,
    logStreamName,
  };
}
