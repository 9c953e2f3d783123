/**
 * The Lambda entry point: wiring only. The container is built on the first invocation and reused
 * while the container lives; each invocation parses its event and runs one step or the reconcile.
 */
import type { Context } from 'aws-lambda';
import type { MetricsSink } from '../reconcile/metrics.ts';
import { createScheduledReconcile, type ScheduledReconcile } from '../reconcile/scheduled.ts';
import { type Container, type ContainerOptions, createContainer } from './container.ts';
import { parseFunctionEvent } from './event.ts';
import { runRotationStep } from './run-step.ts';

export type Handler = (
  event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<void>;

/** What tests and the sandbox may replace. */
export interface HandlerOptions extends ContainerOptions {
  /** Where the reconcile's metrics go. @default Powertools metrics (EMF lines on stdout) */
  readonly metrics?: MetricsSink;
}

/** Builds a handler; tests and the sandbox pass their own clients and clock. */
export function createHandler(options: HandlerOptions = {}): Handler {
  let container: Container | undefined;
  let reconcile: ScheduledReconcile | undefined;
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
        reconcile ??= createScheduledReconcile(container, options);
        await reconcile(deadline);
      }
    } catch (error) {
      container.noteFailure(error);
      throw error;
    }
  };
}

export const handler: Handler = createHandler();
