/**
 * The Lambda entry point: wiring only. The container is built on the first invocation and reused
 * while the container lives; each invocation parses its event and runs one step or the reconcile.
 */
import type { Context } from 'aws-lambda';
import { type Container, type ContainerOptions, createContainer } from './container.ts';
import { parseFunctionEvent } from './event.ts';
import { runRotationStep } from './run-step.ts';

export type Handler = (
  event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<void>;

/** Builds a handler; tests and the sandbox pass their own clients and clock. */
export function createHandler(options: ContainerOptions = {}): Handler {
  let container: Container | undefined;
  return async (event, context) => {
    container ??= createContainer(options);
    const parsed = parseFunctionEvent(event);
    const deadline = container.deadlineOf(context);
    try {
      if (parsed.kind === 'rotation') {
        const stytch = await container.stytchClient();
        const deps = { ...container, stytch };
        await runRotationStep(deps, parsed.rotation, deadline);
      } else {
        container.log.info('reconcile: scheduled run received');
      }
    } catch (error) {
      container.noteFailure(error);
      throw error;
    }
  };
}

export const handler: Handler = createHandler();
