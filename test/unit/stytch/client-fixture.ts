import { afterEach } from 'vitest';
import { describeErrorFully, expectNoSecrets } from '../helpers/no-secrets.ts';
import { ALL_SECRETS, setUpStytch } from './stytch-mock.ts';

/** A Stytch client wired to a mocked Stytch, a fake clock and a recording log. */
export type StytchEnv = ReturnType<typeof setUpStytch>;

/**
 * A fresh `StytchEnv` for every test. After each test it checks that every interceptor was used
 * and that no secret reached the log, then closes the agent and builds the next environment.
 * The fields always read the current test's environment.
 */
export function useStytchEnv(): StytchEnv {
  let env = setUpStytch();
  afterEach(async () => {
    env.agent.assertNoPendingInterceptors();
    expectNoSecrets(env.log.text(), ALL_SECRETS);
    await env.agent.close();
    env = setUpStytch();
  });
  return {
    get agent() {
      return env.agent;
    },
    get stytch() {
      return env.stytch;
    },
    get time() {
      return env.time;
    },
    get log() {
      return env.log;
    },
    get client() {
      return env.client;
    },
    get deadlineIn() {
      return env.deadlineIn;
    },
  };
}

/** The error `promise` rejects with, after checking that no secret appears anywhere in it. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expectNoSecrets(describeErrorFully(error), ALL_SECRETS);
    return error as Error;
  }
  throw new Error('the call succeeded');
}
