/**
 * Self-continuation: a pass that runs out of invocation time with secrets left invokes its own
 * function asynchronously, and the new invocation runs a pass with the same audit slot. It re-lists
 * (⌈N/100⌉ calls), so it needs no hand-over state: overlaps completed meanwhile are recorded on the
 * secrets and drop out of the listing's needs. Chosen over waiting for the next scheduled pass
 * because 1,000 overlaps falling due together take about 300 s of Stytch budget at 10 calls a second,
 * more than one invocation, and waiting a whole interval per invocation would complete the last of
 * them D + 3 intervals late; a continuation starts at once.
 */
import { EventError } from '../errors.ts';

/** `source` of a continuation event. */
export const CONTINUATION_SOURCE = 'stytch-secret-rotation';
/** `detail-type` of a continuation event. */
export const CONTINUATION_DETAIL_TYPE = 'Reconcile Continuation';

/** Where a chain of passes stands. */
export interface Continuation {
  /** When the scheduled pass that started the chain ran: its audit slot is the chain's. */
  readonly scheduledAt: Date;
  /** 1 for the first continuation. */
  readonly generation: number;
}

/** The event a continuation is invoked with. */
export interface ContinuationEvent {
  readonly source: typeof CONTINUATION_SOURCE;
  readonly 'detail-type': typeof CONTINUATION_DETAIL_TYPE;
  readonly detail: { readonly scheduledAt: string; readonly generation: number };
}

/** Starts a continuation; resolves once the invocation is queued. */
export type StartContinuation = (event: ContinuationEvent) => Promise<void>;

/** The event for `continuation`. */
export function continuationEvent(continuation: Continuation): ContinuationEvent {
  return {
    source: CONTINUATION_SOURCE,
    'detail-type': CONTINUATION_DETAIL_TYPE,
    detail: {
      scheduledAt: continuation.scheduledAt.toISOString(),
      generation: continuation.generation,
    },
  };
}

/** Whether the event claims to be a continuation (then {@link parseContinuation} validates it). */
export function isContinuationEvent(fields: Record<string, unknown>): boolean {
  return (
    fields.source === CONTINUATION_SOURCE && fields['detail-type'] === CONTINUATION_DETAIL_TYPE
  );
}

/**
 * Validates a continuation event's detail.
 * @throws EventError naming the field that is wrong
 */
export function parseContinuation(fields: Record<string, unknown>): Continuation {
  const detail = fields.detail;
  const record =
    typeof detail === 'object' && detail !== null ? (detail as Record<string, unknown>) : {};
  const scheduledAt =
    typeof record.scheduledAt === 'string' ? new Date(record.scheduledAt) : undefined;
  const generation = record.generation;
  if (scheduledAt === undefined || Number.isNaN(scheduledAt.getTime())) {
    throw new EventError('malformed continuation event: detail.scheduledAt must be an ISO time');
  }
  if (typeof generation !== 'number' || !Number.isSafeInteger(generation) || generation < 1) {
    throw new EventError(
      'malformed continuation event: detail.generation must be a whole number >= 1',
    );
  }
  return { scheduledAt, generation };
}

/**
 * Invokes `functionName` asynchronously (InvocationType Event) with the event. The Lambda client is
 * loaded on first use, so invocations that never continue do not pay for importing it.
 */
export function lambdaContinuation(functionName: string): StartContinuation {
  let client: Promise<{ invoke(event: ContinuationEvent): Promise<void> }> | undefined;
  const load = async () => {
    const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
    const lambda = new LambdaClient({ maxAttempts: 4 });
    return {
      async invoke(event: ContinuationEvent) {
        await lambda.send(
          new InvokeCommand({
            FunctionName: functionName,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify(event)),
          }),
        );
      },
    };
  };
  return async (event) => {
    client ??= load();
    await (await client).invoke(event);
  };
}
