/**
 * Reading Stytch's answers: the JSON body, its error fields, and the client object a success wraps.
 * Every check names the field that is wrong and never quotes a value: a rotate_start success body
 * holds the new secret.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { lastFour } from '../secrets/secret-value.ts';
import { CLIENT_KINDS, type ClientKind } from './kinds.ts';

/** A JSON object body, or why the body is not one. */
export type JsonBody =
  | { readonly json: Readonly<Record<string, unknown>> }
  | { readonly problem: string };

/** A client as Stytch reports it, normalized across kinds. */
export interface StytchClientState {
  readonly clientId: string;
  readonly kind: ClientKind;
  /** Last four of the current secret; `null` when Stytch reports none. */
  readonly clientSecretLastFour: string | null;
  /** Last four of the next secret; `null` when no rotation is open. */
  readonly nextClientSecretLastFour: string | null;
  /** The client's `status` (e.g. `active`), when reported. */
  readonly status: string | undefined;
  /** A Connected App's `client_type`; `*_public` clients have no secret. `undefined` for M2M. */
  readonly clientType: string | undefined;
  readonly requestId: string | undefined;
}

/**
 * rotate_start's answer: the state plus the new secret, shown once. `nextClientSecret` is not
 * enumerable, so spreading, `JSON.stringify` and the logger never carry it along by accident.
 */
export interface StytchRotationStarted extends StytchClientState {
  readonly nextClientSecret: string;
}

/** Parses a body that must be a JSON object. */
export function readJsonBody(body: string | undefined, headers: IncomingHttpHeaders): JsonBody {
  const contentType = String(headers['content-type'] ?? 'none');
  if (body === undefined) return { problem: 'body is larger than any Stytch answer' };
  if (body.trim() === '') return { problem: `body is empty (content-type ${contentType})` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const html = /html/i.test(contentType) || body.trimStart().startsWith('<');
    return {
      problem: html
        ? `body is HTML, not JSON (content-type ${contentType}): a proxy or gateway answered`
        : `body is not valid JSON (content-type ${contentType})`,
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      problem: `body is JSON ${Array.isArray(parsed) ? 'array' : typeof parsed}, not an object`,
    };
  }
  return { json: parsed as Record<string, unknown> };
}

/** `request_id` from the body, else from an `x-request-id` header. */
export function requestIdOf(
  json: Readonly<Record<string, unknown>> | undefined,
  headers: IncomingHttpHeaders,
): string | undefined {
  const fromBody = json?.request_id;
  if (typeof fromBody === 'string' && fromBody !== '') return fromBody;
  const fromHeader = headers['x-request-id'];
  return typeof fromHeader === 'string' && fromHeader !== '' ? fromHeader : undefined;
}

/** Stytch's `error_type`, else the OAuth `error` of the token endpoint. */
export function errorTypeOf(json: Readonly<Record<string, unknown>>): string | undefined {
  return stringField(json, 'error_type') ?? stringField(json, 'error');
}

/** Stytch's human message: `error_message`, else the OAuth `error_description`. */
export function errorMessageOf(json: Readonly<Record<string, unknown>>): string | undefined {
  return stringField(json, 'error_message') ?? stringField(json, 'error_description');
}

/** Reads the client object a management success wraps, checking it is the client asked about. */
export function readClientState(
  json: Readonly<Record<string, unknown>>,
  kind: ClientKind,
  clientId: string,
  requestId: string | undefined,
): StytchClientState | { readonly problem: string } {
  const key = CLIENT_KINDS[kind].wrapperKey;
  const wrapped = json[key];
  if (typeof wrapped !== 'object' || wrapped === null || Array.isArray(wrapped)) {
    return { problem: `success body has no "${key}" object` };
  }
  const client = wrapped as Record<string, unknown>;
  if (client.client_id !== clientId) {
    return { problem: `success body's ${key}.client_id is not the client asked about` };
  }
  const current = lastFourField(client, 'client_secret_last_four');
  const next = lastFourField(client, 'next_client_secret_last_four');
  if (typeof current === 'object' && current !== null)
    return { problem: `${key}.${current.problem}` };
  if (typeof next === 'object' && next !== null) return { problem: `${key}.${next.problem}` };
  return {
    clientId,
    kind,
    clientSecretLastFour: current,
    nextClientSecretLastFour: next,
    status: stringField(client, 'status'),
    clientType: stringField(client, 'client_type'),
    requestId,
  };
}

/** Reads rotate_start's answer: the client state plus a non-empty `next_client_secret`. */
export function readRotationStarted(
  json: Readonly<Record<string, unknown>>,
  kind: ClientKind,
  clientId: string,
  requestId: string | undefined,
): StytchRotationStarted | { readonly problem: string } {
  const state = readClientState(json, kind, clientId, requestId);
  if ('problem' in state) return state;
  const key = CLIENT_KINDS[kind].wrapperKey;
  const secret = (json[key] as Record<string, unknown>).next_client_secret;
  if (typeof secret !== 'string' || secret === '') {
    return {
      problem: `success body's ${key}.next_client_secret is missing or not a non-empty string`,
    };
  }
  const reported = state.nextClientSecretLastFour;
  if (reported !== null && reported !== lastFour(secret)) {
    return { problem: `${key}.next_client_secret_last_four does not match next_client_secret` };
  }
  const started = { ...state, nextClientSecretLastFour: lastFour(secret) };
  Object.defineProperty(started, 'nextClientSecret', { value: secret, enumerable: false });
  return started as StytchRotationStarted;
}

function stringField(record: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function lastFourField(
  client: Readonly<Record<string, unknown>>,
  key: string,
): string | null | { problem: string } {
  const value = client[key];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') return { problem: `${key} is ${typeof value}, not a string` };
  return value;
}
