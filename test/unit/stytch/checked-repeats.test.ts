/**
 * `rotate` and `rotate_cancel` act on whatever next secret Stytch has when they arrive, and Stytch
 * has no conditional form of either. So after a failure that may have applied (a lost answer, a
 * 5xx) they are never repeated blindly: the client does not repeat them, and completeRotation /
 * discardNextSecret re-read Stytch's state and repeat only while the next secret is still the one
 * they were asked to act on.
 */
import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { RotationStateError, StytchNetworkError } from '../../../lambda/errors.ts';
import { completeRotation, discardNextSecret } from '../../../lambda/rotation/stytch-rotation.ts';
import { rejectionOf, useStytchEnv } from './client-fixture.ts';
import {
  JSON_HEADERS,
  M2M_CLIENT,
  m2mClient,
  path,
  ROTATE,
  ROTATE_CANCEL,
  stytchError,
} from './stytch-mock.ts';

const env = useStytchEnv();
const OURS = 'ours';
const lost = () => new errors.SocketError('other side closed');

function replyState(current: string, next: string | null) {
  env.stytch.intercept({ path: path(M2M_CLIENT), method: 'GET' }).reply(
    200,
    {
      request_id: 'request-id-state',
      m2m_client: m2mClient({
        client_secret_last_four: current,
        next_client_secret_last_four: next,
      }),
    },
    { headers: JSON_HEADERS },
  );
}

function requests(suffix: string): number {
  return env.log.lines.filter(
    (line) => line.attributes.operation === suffix && line.attributes.client_id === M2M_CLIENT,
  ).length;
}

describe('rotate after a lost answer', () => {
  it('is not repeated by the client', async () => {
    // Prepare
    env.stytch.intercept({ path: path(M2M_CLIENT, ROTATE), method: 'POST' }).replyWithError(lost());

    // Act
    const error = await rejectionOf(env.client.rotate(M2M_CLIENT, env.deadlineIn()));

    // Assess
    expect(error).toBeInstanceOf(StytchNetworkError);
    expect(requests('rotate')).toBe(1);
  });

  it('is repeated by completeRotation only while Stytch still has our next secret', async () => {
    // Prepare: lost, re-read shows ours still next, the repeat completes it
    env.stytch.intercept({ path: path(M2M_CLIENT, ROTATE), method: 'POST' }).replyWithError(lost());
    replyState('prev', OURS);
    env.stytch.intercept({ path: path(M2M_CLIENT, ROTATE), method: 'POST' }).reply(
      200,
      { m2m_client: m2mClient({ client_secret_last_four: OURS }) },
      {
        headers: JSON_HEADERS,
      },
    );

    // Act
    const outcome = await completeRotation(env.client, M2M_CLIENT, OURS, env.deadlineIn());

    // Assess
    expect(outcome).toBe('completed');
    expect(requests('rotate')).toBe(2);
  });

  it('counts as done when the re-read shows the first attempt applied', async () => {
    env.stytch
      .intercept({ path: path(M2M_CLIENT, ROTATE), method: 'POST' })
      .reply(503, stytchError(503, 'internal_server_error'), { headers: JSON_HEADERS });
    replyState(OURS, null);

    const outcome = await completeRotation(env.client, M2M_CLIENT, OURS, env.deadlineIn());

    expect(outcome).toBe('already-completed');
    expect(requests('rotate')).toBe(1);
  });

  it('is not repeated when another rotation started meanwhile (its next secret is not ours)', async () => {
    // Prepare: the first rotate applied, then someone's rotate_start issued a new next secret
    env.stytch.intercept({ path: path(M2M_CLIENT, ROTATE), method: 'POST' }).replyWithError(lost());
    replyState(OURS, 'newn');

    // Act
    const error = await rejectionOf(
      completeRotation(env.client, M2M_CLIENT, OURS, env.deadlineIn()),
    );

    // Assess: a repeat would have completed the new, unstored secret
    expect(error).toBeInstanceOf(RotationStateError);
    expect(requests('rotate')).toBe(1);
  });
});

describe('rotate_cancel after a lost answer', () => {
  it('counts as done when the re-read shows no next secret', async () => {
    env.stytch
      .intercept({ path: path(M2M_CLIENT, ROTATE_CANCEL), method: 'POST' })
      .replyWithError(lost());
    replyState('prev', null);

    const outcome = await discardNextSecret(env.client, M2M_CLIENT, 'strn', env.deadlineIn());

    expect(outcome).toBe('discarded');
    expect(requests('rotate_cancel')).toBe(1);
  });

  it('is not repeated when the next secret changed meanwhile (a new rotation)', async () => {
    env.stytch
      .intercept({ path: path(M2M_CLIENT, ROTATE_CANCEL), method: 'POST' })
      .replyWithError(lost());
    replyState('prev', 'newn');

    const error = await rejectionOf(
      discardNextSecret(env.client, M2M_CLIENT, 'strn', env.deadlineIn()),
    );

    expect(error).toBeInstanceOf(RotationStateError);
    expect(requests('rotate_cancel')).toBe(1);
  });
});
