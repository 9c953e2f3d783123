import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { createLambdaContext, lambdaTimeoutError } from '../lambda-context.ts';
import type { LocalRotationEvent, RotationInvoker } from './types.ts';

export type Step = SecretsManagerRotationEvent['Step'];

/** Why a step failed: the error's name and message, never its stack or cause. */
export interface StepError {
  readonly name: string;
  readonly message: string;
}

/**
 * One invocation of the rotation function for one step, as Secrets Manager makes it: a fresh
 * Lambda-like context, and a failure when the function throws or outlives `timeoutMs`. An
 * in-process function cannot be killed, so a timed-out one may still be running afterwards.
 */
export async function invokeStep(
  invoker: RotationInvoker | undefined,
  functionArn: string,
  event: LocalRotationEvent,
  timeoutMs: number,
): Promise<StepError | undefined> {
  const context = createLambdaContext({ functionArn, timeoutMs });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(lambdaTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    if (!invoker)
      throw namedError('ResourceNotFoundException', `Function not found: ${functionArn}`);
    await Promise.race([Promise.resolve().then(() => invoker(event, context)), timeout]);
    return undefined;
  } catch (thrown) {
    return describeError(thrown);
  } finally {
    clearTimeout(timer);
  }
}

/** The name and message of anything thrown. */
export function describeError(thrown: unknown): StepError {
  if (thrown instanceof Error) return { name: thrown.name, message: thrown.message };
  return { name: 'Error', message: String(thrown) };
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * A counting semaphore for invocations: at most `limit` run at once, the rest wait in arrival order
 * (what reserved concurrency does to a function, with Secrets Manager's retries of a throttled
 * invocation folded into the wait).
 */
export class InvocationSlots {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    if (!(limit >= 1)) throw new RangeError(`concurrency must be at least 1, got ${limit}`);
    this.#free = limit;
  }

  /** Runs `task` once a slot is free, and frees the slot when it settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}
