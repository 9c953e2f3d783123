/**
 * The doctor's Stytch checks: the credentials parameter reads and decrypts, the project credentials
 * authenticate, and each client exists, is of the kind its id says, and is confidential. Each is
 * one read: SSM GetParameter, Stytch `get` per client (and, for a client its id's kind does not
 * know, one `get` under the other kind to say what it is).
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import { type Dispatcher, request } from 'undici';
import type { Clock } from '../../../lambda/clock.ts';
import { RotationError, StytchApiError, StytchError } from '../../../lambda/errors.ts';
import type { StytchClient, StytchClientState } from '../../../lambda/stytch/client.ts';
import {
  createCredentialsSource,
  type StytchCredentials,
} from '../../../lambda/stytch/credentials.ts';
import { USER_AGENT } from '../../../lambda/stytch/http.ts';
import {
  CLIENT_KINDS,
  type ClientKind,
  findClientKind,
  knownPrefixes,
} from '../../../lambda/stytch/kinds.ts';
import type { Finding } from './report.ts';

/** Reads the credentials parameter as the function does (with decryption, checked by its parser). */
export async function checkCredentials(
  ssm: SSMClient,
  parameterName: string,
  clock: Clock,
): Promise<{ finding: Finding; credentials?: StytchCredentials }> {
  try {
    const source = createCredentialsSource({ ssm, parameterName, cacheSeconds: 0, clock });
    const credentials = await source.get();
    return {
      credentials,
      finding: {
        check: 'credentials',
        subject: parameterName,
        verdict: 'ok',
        detail: `readable and decrypts: project ${credentials.projectId}`,
      },
    };
  } catch (error) {
    return {
      finding: {
        check: 'credentials',
        subject: parameterName,
        verdict: 'fail',
        detail: messageOf(error),
        advice:
          'write it with `stytch-rotation credentials set` (a SecureString holding {"project_id","secret"})',
      },
    };
  }
}

/** What Stytch said about one client. */
export type ClientLookup =
  | { readonly clientId: string; readonly state: StytchClientState }
  | { readonly clientId: string; readonly error: unknown };

/**
 * Stytch `get` on every client of a known kind, one at a time (a handful of reads; no pacing
 * needed). An id of no known kind is not sent; its lookup holds the refusal.
 */
export async function lookUpClients(
  stytch: StytchClient,
  clientIds: readonly string[],
  deadline: () => number,
): Promise<ClientLookup[]> {
  const lookups: ClientLookup[] = [];
  for (const clientId of clientIds) {
    if (findClientKind(clientId) === undefined) {
      lookups.push({ clientId, error: new Error('no known kind') });
      continue;
    }
    try {
      lookups.push({ clientId, state: await stytch.getClient(clientId, { deadline: deadline() }) });
    } catch (error) {
      lookups.push({ clientId, error });
    }
  }
  return lookups;
}

/** An id no project holds: asked about only when no configured client can be, to test the credentials. */
export const AUTH_CHECK_CLIENT_ID = 'm2m-client-test-stytch-secret-rotation-doctor';

/**
 * Whether the project credentials authenticate, judged from the first lookup Stytch's management
 * API took part in (any answer but 401 means it accepted them). With no such lookup, `askAnyway`
 * (one `get` of {@link AUTH_CHECK_CLIENT_ID}) decides.
 */
export async function authenticationFinding(
  lookups: readonly ClientLookup[],
  credentials: StytchCredentials,
  baseUrl: string,
  askAnyway: () => Promise<ClientLookup[]>,
): Promise<Finding> {
  const base = { check: 'stytch-auth', subject: credentials.projectId };
  const reached = (all: readonly ClientLookup[]) =>
    all.find((lookup) => 'state' in lookup || lookup.error instanceof StytchError);
  const answered = reached(lookups) ?? reached(await askAnyway());
  if (answered === undefined)
    return { ...base, verdict: 'skip', detail: 'Stytch could not be asked' };
  if ('error' in answered && !(answered.error instanceof StytchApiError)) {
    return {
      ...base,
      verdict: 'fail',
      detail: `no answer from ${baseUrl}: ${messageOf(answered.error)}`,
      advice: 'check STYTCH_API_BASE_URL (context stytchApiBaseUrl) and the network path to Stytch',
    };
  }
  if ('error' in answered && (answered.error as StytchApiError).status === 401) {
    return {
      ...base,
      verdict: 'fail',
      detail:
        `${baseUrl} refused the project credentials (401 ${(answered.error as StytchApiError).errorType ?? ''})`.trimEnd(),
      advice:
        'the project secret is wrong or revoked: create one in the Stytch dashboard (API keys) and write it with `stytch-rotation credentials set`',
    };
  }
  return { ...base, verdict: 'ok', detail: `the project credentials authenticate at ${baseUrl}` };
}

/** One client: exists, has the kind its id says, and is confidential (has a secret to rotate). */
export async function clientFinding(
  lookup: ClientLookup,
  otherKind: (kind: ClientKind, clientId: string) => Promise<boolean>,
): Promise<Finding> {
  const base = { check: 'client', subject: lookup.clientId };
  const kind = findClientKind(lookup.clientId);
  if (kind === undefined) {
    return {
      ...base,
      verdict: 'fail',
      detail: `the id does not start with ${knownPrefixes()}, so no kind applies`,
      advice:
        'use the Connected App or M2M client id from the Stytch dashboard in cdk.json clients',
    };
  }
  const label = CLIENT_KINDS[kind].label;
  if ('state' in lookup) {
    const clientType = lookup.state.clientType;
    if (clientType?.endsWith('_public')) {
      return {
        ...base,
        verdict: 'fail',
        detail: `a public Connected App (client_type ${clientType}): it has no secret to rotate`,
        advice: 'remove it from cdk.json clients, or make it confidential in the Stytch dashboard',
      };
    }
    const type = clientType === undefined ? '' : `, client_type ${clientType}`;
    return {
      ...base,
      verdict: 'ok',
      detail: `a confidential ${label} (status ${lookup.state.status ?? 'unknown'}${type})`,
    };
  }
  const error = lookup.error;
  if (
    error instanceof StytchApiError &&
    (error.status === 404 || error.errorType?.endsWith('_not_found'))
  ) {
    const other = kind === 'connected_app' ? 'm2m_client' : 'connected_app';
    if (await otherKind(other, lookup.clientId)) {
      return {
        ...base,
        verdict: 'fail',
        detail: `the id says ${label}, but the project holds it as ${article(CLIENT_KINDS[other].label)}: every rotation call would go to the ${label} API and fail`,
        advice: `check the id in cdk.json clients: ${CLIENT_KINDS[other].label} ids start with "${CLIENT_KINDS[other].idPrefix}"`,
      };
    }
    return {
      ...base,
      verdict: 'fail',
      detail: `the project has no ${label} with this id (${error.errorType ?? `HTTP ${error.status}`})`,
      advice:
        'check the id in cdk.json clients against the Stytch dashboard (test and live projects differ)',
    };
  }
  return {
    ...base,
    verdict: 'fail',
    detail: `Stytch did not answer: ${messageOf(error)}`,
    advice: "run doctor again; if it persists, check Stytch's status page",
  };
}

/**
 * A lookup of `clientId` under `kind`'s API, whatever its id says: true when that API knows it.
 * Plain HTTP because the Stytch client always picks the API by the id's prefix.
 */
export function otherKindLookup(
  baseUrl: string,
  credentials: StytchCredentials,
  dispatcher: Dispatcher,
): (kind: ClientKind, clientId: string) => Promise<boolean> {
  const authorization = `Basic ${Buffer.from(`${credentials.projectId}:${credentials.secret}`).toString('base64')}`;
  return async (kind, clientId) => {
    try {
      const answer = await request(
        `${baseUrl}${CLIENT_KINDS[kind].collectionPath}/${encodeURIComponent(clientId)}`,
        {
          dispatcher,
          headers: { authorization, accept: 'application/json', 'user-agent': USER_AGENT },
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        },
      );
      await answer.body.dump();
      return answer.statusCode === 200;
    } catch {
      return false;
    }
  };
}

/** Our own errors carry messages written for operators (and never a secret). */
export function messageOf(error: unknown): string {
  if (error instanceof RotationError || error instanceof StytchError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function article(label: string): string {
  return /^[AEIOUM]/.test(label) ? `an ${label}` : `a ${label}`;
}
