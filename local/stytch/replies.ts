import { randomUUID } from 'node:crypto';
import type { Reply } from '../http-server.ts';

/** A fresh `request_id`: Stytch returns one with every answer, success or error. */
export function newRequestId(): string {
  return `request-id-test-${randomUUID()}`;
}

/** A Stytch success answer: `request_id` and `status_code` beside the payload. */
export function stytchSuccess(payload: Record<string, unknown>, status = 200): Reply {
  return { status, body: { request_id: newRequestId(), status_code: status, ...payload } };
}

/**
 * A Stytch management error: `{status_code, request_id, error_type, error_message, error_url}`
 * (stytch-node `lib/shared/errors.ts`). The message never carries a secret.
 */
export function stytchError(status: number, errorType: string, errorMessage: string): Reply {
  return {
    status,
    body: {
      status_code: status,
      request_id: newRequestId(),
      error_type: errorType,
      error_message: errorMessage,
      error_url: `https://stytch.com/docs/api/errors/${status}#${errorType}`,
    },
  };
}

/**
 * An OAuth error from the token endpoint, RFC 6749 section 5.2 style with Stytch's envelope:
 * `{status_code, request_id, error, error_description, error_uri}`.
 */
export function oauthError(
  status: number,
  error: string,
  errorDescription: string,
  headers?: Readonly<Record<string, string>>,
): Reply {
  return {
    status,
    ...(headers ? { headers } : {}),
    body: {
      status_code: status,
      request_id: newRequestId(),
      error,
      error_description: errorDescription,
      error_uri: `https://stytch.com/docs/api/errors/${status}#${error}`,
    },
  };
}

/**
 * The error_type an injected fault status gets when its rule names none. The names are Stytch's
 * (stytch-android `StytchAPIErrorType`); which status each goes with is unconfirmed.
 */
const ERROR_TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized_credentials',
  404: 'route_not_found',
  405: 'method_not_allowed',
  429: 'too_many_requests',
  500: 'internal_server_error',
  503: 'server_unavailable',
};

/** Renders an injected fault status (or a rate-limit answer) in Stytch's error shape. */
export function renderFaultError(status: number, errorType: string | undefined): Reply {
  const type =
    errorType ??
    ERROR_TYPE_BY_STATUS[status] ??
    (status >= 500 ? 'internal_server_error' : 'bad_request');
  return stytchError(status, type, `injected fault: ${type}`);
}
