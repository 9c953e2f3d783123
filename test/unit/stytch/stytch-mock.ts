import { MockAgent } from 'undici';
import { createStytchClient, type StytchClient } from '../../../lambda/stytch/client.ts';
import type { RetryOptions } from '../../../lambda/stytch/retry.ts';
import { FakeTime } from '../helpers/fake-time.ts';
import { RecordingLog } from '../helpers/recording-log.ts';

export const BASE_URL = 'https://test.stytch.com';
export const PROJECT_ID = 'project-test-11111111-2222';
export const PROJECT_SECRET = 'secret-test-PROJECTxyzPROJECTxyz0000';
export const TOKEN_URL = `${BASE_URL}/v1/public/${PROJECT_ID}/oauth2/token`;
export const CONNECTED_APP = 'connected-app-test-aaaa-bbbb';
export const M2M_CLIENT = 'm2m-client-test-cccc-dddd';
export const NEXT_SECRET = 'NEXTsecretVALUEshownONCE-9f8e7d6c5b4a';
export const ACCESS_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.ACCESS-TOKEN-payload.signature';

/** Every secret the client tests handle; none may appear in an error or a log line. */
export const ALL_SECRETS = [PROJECT_SECRET, NEXT_SECRET, ACCESS_TOKEN];

export const JSON_HEADERS = { 'content-type': 'application/json' };

/** A MockAgent that refuses real network, a client on it, fake time and a recording log. */
export function setUpStytch(retry: RetryOptions = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const time = new FakeTime();
  const log = new RecordingLog();
  const client: StytchClient = createStytchClient({
    baseUrl: BASE_URL,
    tokenUrl: TOKEN_URL,
    projectId: PROJECT_ID,
    projectSecret: PROJECT_SECRET,
    dispatcher: agent,
    log,
    clock: time,
    sleep: time.sleep,
    random: () => 0.5,
    retry: { baseDelayMs: 100, maxDelayMs: 1000, minAttemptMs: 100, ...retry },
  });
  const stytch = agent.get(BASE_URL);
  /** A deadline `ms` from the fake now. */
  const deadlineIn = (ms = 60_000) => ({ deadline: time.nowMs() + ms });
  return { agent, stytch, time, log, client, deadlineIn };
}

/** A Connected App object as Stytch returns it. */
export function connectedApp(overrides: Record<string, unknown> = {}) {
  return {
    client_id: CONNECTED_APP,
    client_name: 'Example',
    client_type: 'first_party',
    status: 'active',
    client_secret_last_four: 'aaaa',
    next_client_secret_last_four: null,
    ...overrides,
  };
}

export function m2mClient(overrides: Record<string, unknown> = {}) {
  return {
    client_id: M2M_CLIENT,
    client_name: 'Worker',
    status: 'active',
    scopes: ['read:users'],
    client_secret_last_four: 'cccc',
    next_client_secret_last_four: null,
    ...overrides,
  };
}

export function stytchError(status: number, errorType: string, requestId = 'request-id-test-err') {
  return {
    status_code: status,
    request_id: requestId,
    error_type: errorType,
    error_message: `An error of type ${errorType}.`,
    error_url: `https://stytch.com/docs/api/errors/${status}#${errorType}`,
  };
}

export function path(clientId: string, suffix = ''): string {
  const collection = clientId.startsWith('m2m-') ? '/v1/m2m/clients' : '/v1/connected_apps/clients';
  return `${collection}/${encodeURIComponent(clientId)}${suffix}`;
}

export const ROTATE_START = '/secrets/rotate/start';
export const ROTATE = '/secrets/rotate';
export const ROTATE_CANCEL = '/secrets/rotate/cancel';

/** A network-level error as node's net module raises it. */
export function netError(code: string, message = `connect ${code} 203.0.113.1:443`): Error {
  return Object.assign(new Error(message), { code });
}
