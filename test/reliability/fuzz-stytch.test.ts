/**
 * Stytch's answers, fuzzed: undici's MockAgent feeds the real Stytch client arbitrary statuses,
 * bodies and headers for every call it makes. Each call must end in a value of the right shape or a
 * typed StytchError that matches what the answer was, retry only what is transient, never hang, and
 * never show a secret the request carried or the answer held. See support/fuzz-settings.ts for why
 * fast-check and how to replay a seed.
 */
import fc from 'fast-check';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { StytchApiError, StytchError, StytchResponseError } from '../../lambda/errors.ts';
import { createStytchClient, type StytchClient } from '../../lambda/stytch/client.ts';
import { RecordingLog } from '../unit/helpers/recording-log.ts';
import { FUZZ_RUNS, fuzzParameters } from './support/fuzz-settings.ts';
import { errorText, PLANTED, plantedIn } from './support/planted.ts';
import {
  BASIC_AUTH,
  type FuzzedOperation,
  jsonObjectOf,
  PROJECT_ID,
  type StytchAnswer,
  stytchAnswer,
} from './support/stytch-answers.ts';

const ORIGIN = 'https://test.stytch.com';
const MAX_ATTEMPTS = 3;
const OPERATION_NAMES: Readonly<Record<FuzzedOperation, string>> = {
  getClient: 'get',
  rotateStart: 'rotate_start',
  rotate: 'rotate',
  rotateCancel: 'rotate_cancel',
  requestToken: 'token',
};
const KINDS = [
  { clientId: 'connected-app-test-fuzzed', wrapper: 'connected_app' },
  { clientId: 'm2m-client-test-fuzzed', wrapper: 'm2m_client' },
] as const;

const cases = fc
  .tuple(
    fc.constantFrom(...(Object.keys(OPERATION_NAMES) as FuzzedOperation[])),
    fc.constantFrom(...KINDS),
  )
  .chain(([operation, kind]) =>
    stytchAnswer(kind.clientId, kind.wrapper).map((answer) => ({ operation, kind, answer })),
  );

function call(client: StytchClient, operation: FuzzedOperation, clientId: string) {
  const options = { deadline: Date.now() + 30_000 };
  if (operation === 'requestToken') {
    return client.requestToken(
      clientId,
      PLANTED.clientSecret,
      { grant_type: 'client_credentials' },
      options,
    );
  }
  return client[operation](clientId, options);
}

/** What the answer must become, restated from the API facts. */
function expectVerdict(
  operation: FuzzedOperation,
  wrapper: string,
  answer: StytchAnswer,
  outcome: { value: unknown; error: unknown },
): void {
  const { status, body } = answer;
  const json = jsonObjectOf(body);
  const success = status >= 200 && status <= 299;
  const transient = status === 429 || status >= 500;
  if (json === undefined) {
    expect(outcome.error).toBeInstanceOf(StytchResponseError);
    expect((outcome.error as StytchError).status).toBe(status);
  } else if (operation === 'requestToken' && success) {
    const token = json.access_token;
    if (typeof token === 'string' && token !== '') {
      expect(outcome.value).toMatchObject({ status, accessTokenIssued: true });
    } else {
      expect(outcome.error).toBeInstanceOf(StytchResponseError);
    }
  } else if (operation === 'requestToken' && !transient) {
    // A refused grant is a result for testSecret to judge, not an error.
    expect(outcome.value).toMatchObject({ status, accessTokenIssued: false });
  } else if (success) {
    if (outcome.error !== undefined) expect(outcome.error).toBeInstanceOf(StytchResponseError);
    else
      expect(outcome.value).toMatchObject({
        clientId: (json[wrapper] as { client_id: string }).client_id,
      });
    if (operation === 'rotateStart' && outcome.error === undefined) {
      const secret = (json[wrapper] as { next_client_secret: unknown }).next_client_secret;
      expect((outcome.value as { nextClientSecret: string }).nextClientSecret).toBe(secret);
    }
  } else {
    expect(outcome.error).toBeInstanceOf(StytchApiError);
    expect((outcome.error as StytchApiError).status).toBe(status);
  }
}

/**
 * How many attempts the answer allows: transient ones are retried, except where a 5xx may have
 * applied a state change (rotate_start, rotate, rotate_cancel), which the client does not repeat.
 */
function expectAttempts(
  operation: FuzzedOperation,
  answer: StytchAnswer,
  error: StytchError,
): void {
  const transient = answer.status === 429 || answer.status >= 500;
  const changesState =
    operation === 'rotateStart' || operation === 'rotate' || operation === 'rotateCancel';
  const repeatable = !changesState || answer.status === 429;
  const retryAfter = Number(answer.headers['retry-after']);
  const waitTooLong = /^\d+$/.test(answer.headers['retry-after'] ?? '') && retryAfter > 2;
  const expected = transient && repeatable && !waitTooLong ? MAX_ATTEMPTS : 1;
  expect(error.attempts).toBe(expected);
}

describe('fuzzed Stytch answers', () => {
  it('become a value of the right shape or the typed error the answer calls for', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ operation, kind, answer }) => {
        // Prepare
        const agent = new MockAgent();
        agent.disableNetConnect();
        agent
          .get(ORIGIN)
          .intercept({ path: () => true, method: () => true })
          .reply(answer.status, answer.body, { headers: answer.headers })
          .persist();
        const log = new RecordingLog();
        const client = createStytchClient({
          baseUrl: ORIGIN,
          tokenUrl: `${ORIGIN}/v1/public/${PROJECT_ID}/oauth2/token`,
          projectId: PROJECT_ID,
          projectSecret: PLANTED.projectSecret,
          dispatcher: agent,
          log,
          retry: {
            maxAttempts: MAX_ATTEMPTS,
            baseDelayMs: 0,
            maxDelayMs: 0,
            maxRetryAfterMs: 2_000,
            minAttemptMs: 0,
          },
          sleep: async () => {},
        });

        // Act
        const outcome = await call(client, operation, kind.clientId).then(
          (value: unknown) => ({ value, error: undefined }),
          (error: unknown) => ({ value: undefined, error }),
        );

        // Assess
        if (outcome.error !== undefined) {
          expect(outcome.error).toBeInstanceOf(StytchError);
          const error = outcome.error as StytchError;
          expect(error.operation).toBe(OPERATION_NAMES[operation]);
          expectAttempts(operation, answer, error);
        }
        expectVerdict(operation, kind.wrapper, answer, outcome);
        // A secret echoed back that the call never sent (the client secret to a management call,
        // the project's Basic header to the token endpoint) cannot be known to hide; every secret the
        // call did send, and the new secret an answer held, must be hidden.
        const leaks = plantedIn([errorText(outcome.error), log.text()], { basicAuth: BASIC_AUTH });
        const notSent = operation === 'requestToken' ? 'basicAuth' : 'clientSecret';
        const carried = leaks.filter((label) => label !== notSent);
        expect(carried).toEqual([]);
        await agent.close();
      }),
      fuzzParameters(FUZZ_RUNS.stytchAnswer),
    );
  });
});
