/**
 * The Connected App probe and its calibration. A Connected App has no user-free grant, so a secret
 * is tested by presenting it with a bogus refresh token: a grant-level error proves the client
 * authenticated, `invalid_client` proves it did not. That reading holds only if the token endpoint
 * answers a deliberately wrong secret with `invalid_client`, which is checked first. testSecret and
 * `stytch-rotation doctor` both ask through these functions, so they judge the endpoint alike.
 */
import { randomUUID } from 'node:crypto';
import type { CallOptions, StytchClient, TokenResult } from '../stytch/client.ts';

/**
 * Which Stytch token endpoints have shown, in this container, that they answer a wrong client secret
 * with `invalid_client`. Only then can a grant-level error from the pending secret count as proof that
 * the secret authenticated. Calibrating once per container saves a call per rotation; a container
 * never serves more than one Stytch project.
 */
export class ProbeCalibration {
  readonly #calibrated = new Set<string>();

  isCalibrated(endpoint: string): boolean {
    return this.#calibrated.has(endpoint);
  }

  markCalibrated(endpoint: string): void {
    this.#calibrated.add(endpoint);
  }
}

/** The grant the probe presents: a refresh token no user was ever issued. */
export function bogusRefreshGrant(): Readonly<Record<string, string>> {
  return {
    grant_type: 'refresh_token',
    refresh_token: `stytch-secret-rotation-probe-${randomUUID()}`,
  };
}

/** Presents `secret` for `clientId` with a bogus refresh token. */
export function probeConnectedApp(
  stytch: StytchClient,
  clientId: string,
  secret: string,
  call: CallOptions,
): Promise<TokenResult> {
  return stytch.requestToken(clientId, secret, bogusRefreshGrant(), call);
}

/**
 * Presents a deliberately wrong secret. The probe is calibrated when the answer is `invalid_client`
 * (see {@link isCalibrationAnswer}).
 */
export function probeWithWrongSecret(
  stytch: StytchClient,
  clientId: string,
  call: CallOptions,
): Promise<TokenResult> {
  return probeConnectedApp(stytch, clientId, `wrong-${randomUUID()}`, call);
}

/** Whether a wrong secret's answer shows that the endpoint checks the client first. */
export function isCalibrationAnswer(result: TokenResult): boolean {
  return result.error === 'invalid_client';
}

/** The error code a probe's answer carries, as matched against STYTCH_PROBE_ACCEPTED_ERRORS. */
export function probeAnswerCode(result: TokenResult): string | undefined {
  return result.error ?? result.errorType;
}

/** An answer for messages: `HTTP 400 invalid_grant (request …)`. */
export function describeTokenAnswer(result: TokenResult): string {
  const error = probeAnswerCode(result) ?? 'no error code';
  return `HTTP ${result.status} ${error} (request ${result.requestId ?? 'unknown'})`;
}
