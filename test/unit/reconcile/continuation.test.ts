import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  continuationEvent,
  lambdaContinuation,
  parseContinuation,
} from '../../../lambda/reconcile/continuation.ts';
import { parseFunctionEvent } from '../../../lambda/rotation/event.ts';

const lambda = mockClient(LambdaClient);

describe('the reconcile continuation', () => {
  afterEach(() => {
    lambda.reset();
  });

  it('invokes the function itself asynchronously with the continuation event', async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const event = continuationEvent({
      scheduledAt: new Date('2026-01-01T00:15:00Z'),
      generation: 2,
    });

    // Act
    await lambdaContinuation('stytch-secret-rotation-Handler')(event);

    // Assess
    const [call] = lambda.commandCalls(InvokeCommand);
    const input = call?.args[0].input;
    expect(input?.FunctionName).toBe('stytch-secret-rotation-Handler');
    expect(input?.InvocationType).toBe('Event');
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual(event);
  });

  it('is a reconcile event for the handler, with its scheduled time and generation', () => {
    // Prepare
    const event = continuationEvent({
      scheduledAt: new Date('2026-01-01T00:15:00Z'),
      generation: 1,
    });

    // Act
    const parsed = parseFunctionEvent(JSON.parse(JSON.stringify(event)));

    // Assess
    expect(parsed).toEqual({
      kind: 'reconcile',
      continuation: { scheduledAt: new Date('2026-01-01T00:15:00Z'), generation: 1 },
    });
  });

  it('refuses a detail without a time or a whole generation >= 1', () => {
    const fields = (detail: unknown) => ({
      source: 'stytch-secret-rotation',
      'detail-type': 'Reconcile Continuation',
      detail,
    });
    expect(() => parseContinuation(fields({ generation: 1 }))).toThrow(/scheduledAt/);
    expect(() =>
      parseContinuation(fields({ scheduledAt: '2026-01-01T00:00:00Z', generation: 1.5 })),
    ).toThrow(/generation/);
  });
});
