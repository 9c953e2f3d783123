/**
 * The Lambda entry point: wiring only. The container is built on the first invocation and reused
 * while the container lives; each invocation parses its event and runs one step or the reconcile.
 */
import type { Context } from 'aws-lambda';
import { createLogger, errorFields, type Log } from '../log.ts';
import type { StartContinuation } from '../reconcile/continuation.ts';
import { createMetrics, type MetricsSink } from '../reconcile/metrics.ts';
import { createScheduledReconcile, type ScheduledReconcile } from '../reconcile/scheduled.ts';
import { type Container, type ContainerOptions, createContainer } from './container.ts';
import { type FunctionEvent, parseFunctionEvent, ROTATION_STEPS } from './event.ts';
import { runRotationStep } from './run-step.ts';

export type Handler = (
  event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<void>;

/** What tests and the sandbox may replace. */
export interface HandlerOptions extends ContainerOptions {
  /**
   * Where the reconcile's metrics and the rotation's `RotationsDeferred` go.
   * @default Powertools metrics (EMF lines on stdout)
   */
  readonly metrics?: MetricsSink;
  /** How a reconcile pass that ran out of time continues. @default - an async Invoke of itself */
  readonly startContinuation?: StartContinuation;
}

/** Builds a handler; tests and the sandbox pass their own clients and clock. */
export function createHandler(options: HandlerOptions = {}): Handler {
  let log: Log | undefined;
  let container: Container | undefined;
  let reconcile: ScheduledReconcile | undefined;
  let metrics: MetricsSink | undefined;
  return async (event, context) => {
    log ??= options.log ?? createLogger(options.env ?? process.env);
    let parsed: FunctionEvent;
    let ready: Container;
    try {
      container ??= createContainer({ ...options, log });
      ready = container;
      parsed = parseFunctionEvent(event);
    } catch (error) {
      logRefusal(log, event, error);
      throw error;
    }
    const deadline = ready.deadlineOf(context);
    metrics ??= options.metrics ?? createMetrics(options.env ?? process.env);
    try {
      if (parsed.kind === 'rotation') {
        const stytch = await ready.stytchClient().catch((error: unknown) => {
          logRefusal(ready.log, event, error);
          throw error;
        });
        await runRotationStep({ ...ready, stytch, metrics }, parsed.rotation, deadline, {
          table: ready.leaseTable,
          terms: ready.leaseTermsOf(context),
        });
      } else {
        reconcile ??= createScheduledReconcile(ready, { ...options, metrics });
        await reconcile(deadline, ready.leaseTermsOf(context), parsed.continuation);
      }
    } catch (error) {
      ready.noteFailure(error);
      throw error;
    }
  };
}

/**
 * An invocation refused before any step ran (bad configuration, event or credentials) still gets
 * one structured line, keyed like a step's, so it can be found by secret and step.
 */
function logRefusal(log: Log, event: unknown, error: unknown): void {
  const fields =
    typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const idOrUndefined = (value: unknown) =>
    typeof value === 'string' ? value.slice(0, 2048) : undefined;
  // Only a known step name is echoed; an unknown one could be anything.
  const step = (ROTATION_STEPS as readonly unknown[]).includes(fields.Step)
    ? String(fields.Step)
    : 'invocation';
  log.error(`${step}: refused before the step ran`, {
    step,
    secret_id: idOrUndefined(fields.SecretId),
    client_request_token: idOrUndefined(fields.ClientRequestToken),
    outcome: 'failed',
    ...errorFields(error),
  });
}

export const handler: Handler = createHandler();
