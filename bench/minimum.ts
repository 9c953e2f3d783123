/**
 * The fewest external calls the design needs for one rotation, call by call, with the reason each is
 * there. The steps are separate, stateless invocations (Secrets Manager may repeat any of them and
 * retries the whole sequence), so each one reads what it works on; the Stytch checks are the design's
 * safety rules: store a secret before anything relies on it, promote only what Stytch accepts now.
 * Each step that acts holds the client's lease: take it, re-read the labels under it, give it back.
 */
import type { ClientKind } from '../local/stytch/index.ts';
import type { Call, Service } from './world.ts';

export interface RequiredCall {
  readonly step: string;
  readonly service: Service;
  readonly operation: string;
  readonly why: string;
}

export interface MinimumContext {
  readonly kind: ClientKind;
  readonly completionDelaySeconds: number;
  /** A fresh container reads the credentials from SSM and calibrates the Connected App probe. */
  readonly coldContainer: boolean;
}

const SM: Service = 'Secrets Manager';

/** The design's minimum for one rotation in the given container state, in call order. */
export function minimumCalls(context: MinimumContext): RequiredCall[] {
  const { kind, completionDelaySeconds, coldContainer } = context;
  const prefix = kind === 'm2m' ? 'm2m' : 'connected_apps';
  const stytch = (step: string, action: string, why: string): RequiredCall => ({
    step,
    service: 'Stytch',
    // The local Stytch's operation names: `connected_apps.get`, `m2m.rotate_start`, `oauth2.token`.
    operation: action === 'token' ? 'oauth2.token' : `${prefix}.${action}`,
    why,
  });
  const sm = (step: string, operation: string, why: string): RequiredCall => ({
    step,
    service: SM,
    operation,
    why,
  });
  const dynamodb = (step: string, operation: string, why: string): RequiredCall => ({
    step,
    service: 'DynamoDB',
    operation,
    why,
  });
  const guard = (step: string) => [
    sm(
      step,
      'DescribeSecret',
      "AWS's entry guards: rotation enabled, the token is a version, AWSCURRENT or AWSPENDING",
    ),
    dynamodb(
      step,
      'PutItem',
      "take the client's lease (id from the client-id tag): no other actor changes it meanwhile",
    ),
    sm(step, 'DescribeSecret', 'the labels again, read under the lease: what the step acts on'),
  ];
  const release = (step: string) =>
    dynamodb(step, 'UpdateItem', "give the client's lease back for the next step or actor");
  const readPending = (step: string) =>
    sm(
      step,
      'GetSecretValue',
      'the pending version (token + AWSPENDING): each step is its own invocation and holds nothing',
    );
  const credentials: RequiredCall[] = coldContainer
    ? [
        {
          step: 'createSecret',
          service: 'SSM',
          operation: 'GetParameter',
          why: 'the Stytch project credentials, once per container (then cached)',
        },
      ]
    : [];
  const calibration: RequiredCall[] =
    kind === 'connected_app' && coldContainer
      ? [
          stytch(
            'testSecret',
            'token',
            'calibrate the probe once per container: a wrong secret must get invalid_client',
          ),
        ]
      : [];
  const staleCheck = (step: string) =>
    sm(
      step,
      'ListSecretVersionIds',
      'version dates: an AWSPENDING older than AWSCURRENT is stale, never run (a person’s edit wins)',
    );
  return [
    ...credentials,
    ...guard('createSecret'),
    staleCheck('createSecret'),
    sm('createSecret', 'GetSecretValue', 'AWSCURRENT: the client id, and the secret it holds now'),
    sm(
      'createSecret',
      'GetSecretValue',
      'the pending version: a repeated createSecret must not start a second Stytch rotation',
    ),
    stytch('createSecret', 'rotate_start', 'the new secret; Stytch shows it once'),
    sm(
      'createSecret',
      'PutSecretValue',
      'store the new secret as AWSPENDING before anything uses it',
    ),
    release('createSecret'),
    ...guard('setSecret'),
    readPending('setSecret'),
    stytch('setSecret', 'get', "confirm Stytch's next secret is the pending one"),
    release('setSecret'),
    ...guard('testSecret'),
    readPending('testSecret'),
    ...calibration,
    stytch(
      'testSecret',
      'token',
      kind === 'm2m'
        ? 'client_credentials with the pending secret'
        : 'the probe with the pending secret (a bogus refresh token)',
    ),
    release('testSecret'),
    ...guard('finishSecret'),
    staleCheck('finishSecret'),
    readPending('finishSecret'),
    stytch('finishSecret', 'get', 'promote only a secret Stytch accepts now'),
    sm('finishSecret', 'UpdateSecretVersionStage', 'move AWSCURRENT to the new version'),
    sm(
      'finishSecret',
      'UpdateSecretVersionStage',
      'remove AWSPENDING from it, so a later PutSecretValue leaves no stale label',
    ),
    completionDelaySeconds === 0
      ? stytch('finishSecret', 'rotate', 'no overlap: the old secret stops working now')
      : sm(
          'finishSecret',
          'TagResource',
          'record when the overlap began; the reconcile completes it after the delay',
        ),
    release('finishSecret'),
  ];
}

/** The multiset difference: calls made beyond the minimum, and required calls not made. */
export function compareWithMinimum(
  measured: readonly Pick<Call, 'step' | 'service' | 'operation'>[],
  minimum: readonly RequiredCall[],
): { extra: string[]; missing: string[] } {
  const key = (c: Pick<Call, 'step' | 'service' | 'operation'>) =>
    `${c.step}: ${c.service} ${c.operation}`;
  const remaining = new Map<string, number>();
  for (const call of minimum) remaining.set(key(call), (remaining.get(key(call)) ?? 0) + 1);
  const extra: string[] = [];
  for (const call of measured) {
    const left = remaining.get(key(call)) ?? 0;
    if (left > 0) remaining.set(key(call), left - 1);
    else extra.push(key(call));
  }
  const missing = [...remaining].flatMap(([name, count]) => Array<string>(count).fill(name));
  return { extra, missing };
}
