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
