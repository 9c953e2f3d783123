import type { LocalRequest } from '../http-server.ts';
import { parseBasicAuthorization } from './basic-auth.ts';

/** How the client presented its credentials (RFC 6749 section 2.3.1). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface ClientCredentials {
  readonly method: ClientAuthMethod;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
}

/** A token request, its body read and its client credentials found. */
export interface TokenRequest {
  readonly params: Readonly<Record<string, string>>;
  /** Undefined when the request carries no client id at all. */
  readonly credentials: ClientCredentials | undefined;
  /** An Authorization header was present but was not valid HTTP Basic. */
  readonly malformedAuthorization: boolean;
}

/** Why a token request could not be read; answered as 400 `invalid_request`. */
export class InvalidTokenRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenRequest';
  }
}

/**
 * Reads a token request: a form body (what the SDKs send) or a JSON object of strings, and the
 * client credentials from HTTP Basic or the body. Throws `InvalidTokenRequest`.
 */
export function readTokenRequest(request: LocalRequest): TokenRequest {
  const params = readParams(request);
  const header = request.headers.authorization;
  const basic = parseBasicAuthorization(header);
  if (!basic) {
    const clientId = params.client_id;
    return {
      params,
      malformedAuthorization: header !== undefined,
      credentials: clientId
        ? {
            method: params.client_secret === undefined ? 'none' : 'client_secret_post',
            clientId,
            clientSecret: params.client_secret,
          }
        : undefined,
    };
  }
  // RFC 6749 section 2.3: "The client MUST NOT use more than one authentication method".
  if (params.client_secret !== undefined) {
    throw new InvalidTokenRequest('client credentials sent both in the header and the body');
  }
  // RFC 6749 section 2.3.1: Basic credentials are form-encoded before base64.
  const clientId = formDecode(basic.username);
  if (params.client_id !== undefined && params.client_id !== clientId) {
    throw new InvalidTokenRequest('client_id in the body differs from the Authorization header');
  }
  return {
    params,
    malformedAuthorization: false,
    credentials: {
      method: 'client_secret_basic',
      clientId,
      clientSecret: formDecode(basic.password),
    },
  };
}

function readParams(request: LocalRequest): Record<string, string> {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType === 'application/x-www-form-urlencoded') return formParams(request.body);
  if (contentType === 'application/json') return jsonParams(request.body);
  throw new InvalidTokenRequest('the body must be application/x-www-form-urlencoded or JSON');
}

function formParams(body: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    // RFC 6749 section 3.2: parameters "MUST NOT be included more than once".
    if (name in params) throw new InvalidTokenRequest(`parameter ${name} is repeated`);
    // RFC 6749 section 3.1: a parameter sent without a value is treated as omitted.
    if (value !== '') params[name] = value;
  }
  return params;
}

function jsonParams(body: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidTokenRequest('the body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidTokenRequest('the body must be a JSON object');
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string')
      throw new InvalidTokenRequest(`parameter ${name} is not a string`);
    if (value !== '') params[name] = value;
  }
  return params;
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return value;
  }
}
