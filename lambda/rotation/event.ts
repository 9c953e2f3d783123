/**
 * The events the function accepts: Secrets Manager's rotation event, and the scheduled EventBridge
 * event that runs the reconcile. Anything else is refused before any call is made.
 */
import { EventError } from '../errors.ts';
import {
  type Continuation,
  isContinuationEvent,
  parseContinuation,
} from '../reconcile/continuation.ts';

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** A validated rotation event. */
export interface RotationEvent {
  readonly step: RotationStep;
  readonly secretId: string;
  /** The id of the version this rotation creates. */
  readonly token: string;
  /** Passed back to PutSecretValue so Secrets Manager can validate the caller. */
  readonly rotationToken: string | undefined;
}

export type FunctionEvent =
  | { readonly kind: 'rotation'; readonly rotation: RotationEvent }
  | { readonly kind: 'reconcile'; readonly continuation?: Continuation };

/**
 * Classifies and validates an invocation event.
 * @throws EventError naming the field that is wrong; event values are ids, never secrets, but only
 *   their type or length is quoted all the same
 */
export function parseFunctionEvent(event: unknown): FunctionEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new EventError(`the event must be a JSON object, got ${describe(event)}`);
  }
  const fields = event as Record<string, unknown>;
  if ('Step' in fields) return { kind: 'rotation', rotation: parseRotationEvent(fields) };
  if (fields.source === 'aws.events' && fields['detail-type'] === 'Scheduled Event') {
    return { kind: 'reconcile' };
  }
  if (isContinuationEvent(fields)) {
    return { kind: 'reconcile', continuation: parseContinuation(fields) };
  }
  throw new EventError(
    'the event is neither a Secrets Manager rotation event (with Step, SecretId and ' +
      'ClientRequestToken), an EventBridge "Scheduled Event" nor a reconcile continuation',
  );
}

function parseRotationEvent(fields: Record<string, unknown>): RotationEvent {
  const problems: string[] = [];
  const { Step, SecretId, ClientRequestToken, RotationToken } = fields;
  if (typeof Step !== 'string' || !(ROTATION_STEPS as readonly string[]).includes(Step)) {
    problems.push(
      `Step must be one of ${ROTATION_STEPS.join(', ')}, got ${
        typeof Step === 'string' ? `"${Step.slice(0, 40)}"` : describe(Step)
      }`,
    );
  }
  if (typeof SecretId !== 'string' || SecretId.trim() === '') {
    problems.push(`SecretId must be a non-empty string, got ${describe(SecretId)}`);
  }
  // Secrets Manager's version ids (ClientRequestToken) are 32 to 64 characters.
  if (
    typeof ClientRequestToken !== 'string' ||
    ClientRequestToken.length < 32 ||
    ClientRequestToken.length > 64
  ) {
    problems.push(
      `ClientRequestToken must be a string of 32 to 64 characters, got ${describe(ClientRequestToken)}`,
    );
  }
  if (RotationToken !== undefined && typeof RotationToken !== 'string') {
    problems.push(`RotationToken must be a string when present, got ${describe(RotationToken)}`);
  }
  if (problems.length > 0) {
    throw new EventError(`malformed rotation event: ${problems.join('; ')}`);
  }
  return {
    step: Step as RotationStep,
    secretId: SecretId as string,
    token: ClientRequestToken as string,
    rotationToken: RotationToken as string | undefined,
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return typeof value;
}
