/**
 * Fuzzed invocation events and their contract, restated from the design notes: Secrets Manager's
 * rotation event (well or badly formed), EventBridge's schedule, or anything at all.
 */
import fc from 'fast-check';
import { PLANTED } from './planted.ts';

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
const versionId = fc.oneof(fc.uuid(), fc.string({ maxLength: 80 }), fc.jsonValue());

/**
 * An invocation event: Secrets Manager's (well or badly formed), EventBridge's schedule, or anything.
 * The planted secret sits in RotationToken, an opaque credential the function must never show.
 */
export const invocationEvent = fc.oneof(
  fc.record({
    Step: fc.constantFrom(...STEPS),
    SecretId: fc.constant('arn:aws:secretsmanager:us-east-1:0:secret:x'),
    ClientRequestToken: fc.uuid(),
    RotationToken: fc.constant(PLANTED.clientSecret),
  }),
  fc.record(
    {
      Step: fc.oneof(fc.constantFrom(...STEPS), fc.string(), fc.jsonValue()),
      SecretId: fc.oneof(
        fc.constant('arn:aws:secretsmanager:us-east-1:0:secret:x'),
        fc.string(),
        fc.jsonValue(),
      ),
      ClientRequestToken: versionId,
      RotationToken: fc.oneof(fc.constant(PLANTED.clientSecret), fc.jsonValue()),
    },
    { requiredKeys: ['Step'] },
  ),
  fc.record(
    {
      source: fc.oneof(fc.constant('aws.events'), fc.string()),
      'detail-type': fc.oneof(fc.constant('Scheduled Event'), fc.string()),
      detail: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

/** The event contract: a rotation event needs a known Step, a SecretId and a 32-64 character token. */
export function expectedEventKind(event: unknown): 'rotation' | 'reconcile' | 'invalid' {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return 'invalid';
  const fields = event as Record<string, unknown>;
  if ('Step' in fields) {
    const { Step, SecretId, ClientRequestToken: token, RotationToken } = fields;
    const ok =
      typeof Step === 'string' &&
      (STEPS as readonly string[]).includes(Step) &&
      typeof SecretId === 'string' &&
      SecretId.trim() !== '' &&
      typeof token === 'string' &&
      token.length >= 32 &&
      token.length <= 64 &&
      (RotationToken === undefined || typeof RotationToken === 'string');
    return ok ? 'rotation' : 'invalid';
  }
  const scheduled = fields.source === 'aws.events' && fields['detail-type'] === 'Scheduled Event';
  return scheduled ? 'reconcile' : 'invalid';
}
