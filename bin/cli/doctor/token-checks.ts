/**
 * The doctor's token-endpoint checks, through the very probe testSecret uses
 * (lambda/rotation/probe-calibration.ts): the project domain's OpenID configuration advertises the
 * endpoint Connected Apps will use; a deliberately wrong secret gets `invalid_client` there (else
 * testSecret fails every Connected App rotation closed, and the finding says which setting to
 * change); and, when the store already holds a Connected App's secret, the probe's answer to it is
 * one STYTCH_PROBE_ACCEPTED_ERRORS accepts. No secret is shown; no rotation is started.
 */
import { type Dispatcher, request } from 'undici';
import type { RotationConfig, StytchEndpoints } from '../../../lambda/config.ts';
import {
  describeTokenAnswer,
  isCalibrationAnswer,
  probeAnswerCode,
  probeConnectedApp,
  probeWithWrongSecret,
} from '../../../lambda/rotation/probe-calibration.ts';
import { lastFour } from '../../../lambda/secrets/secret-value.ts';
import type { StytchClient } from '../../../lambda/stytch/client.ts';
import type { Finding } from './report.ts';
import { messageOf } from './stytch-checks.ts';

const SET_DOMAIN =
  "set projectDomain in cdk.json (the function's STYTCH_PROJECT_DOMAIN) to the project domain from the Stytch dashboard";

/** The project domain's `/.well-known/openid-configuration` names the token endpoint in use. */
export async function tokenEndpointFinding(
  config: RotationConfig,
  endpoints: StytchEndpoints,
  dispatcher: Dispatcher,
): Promise<Finding> {
  const base = { check: 'token-endpoint' };
  const domain = config.stytchProjectDomain;
  if (domain === undefined) {
    return {
      ...base,
      verdict: 'skip',
      detail: `no project domain set, so Connected Apps use ${endpoints.connectedAppTokenUrl}; Stytch documents https://{project domain}/v1/oauth2/token for them: ${SET_DOMAIN} to use it`,
    };
  }
  const url = `${domain}/.well-known/openid-configuration`;
  let advertised: unknown;
  try {
    const answer = await request(url, {
      dispatcher,
      headers: { accept: 'application/json' },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await answer.body.text();
    if (answer.statusCode !== 200) throw new Error(`HTTP ${answer.statusCode}`);
    advertised = (JSON.parse(text) as Record<string, unknown>).token_endpoint;
  } catch (error) {
    return {
      ...base,
      subject: url,
      verdict: 'fail',
      detail: `no OpenID configuration there (${error instanceof Error ? error.message : String(error)})`,
      advice: `check projectDomain (STYTCH_PROJECT_DOMAIN), now ${domain}: ${SET_DOMAIN}`,
    };
  }
  if (typeof advertised !== 'string' || advertised === '') {
    return {
      ...base,
      subject: url,
      verdict: 'fail',
      detail: 'the OpenID configuration names no token_endpoint',
      advice: `check projectDomain (STYTCH_PROJECT_DOMAIN), now ${domain}`,
    };
  }
  if (advertised.replace(/\/+$/, '') !== endpoints.connectedAppTokenUrl) {
    return {
      ...base,
      subject: url,
      verdict: 'fail',
      detail: `advertises ${advertised}, but Connected Apps would use ${endpoints.connectedAppTokenUrl}`,
      advice:
        config.stytchTokenUrl === undefined
          ? `set STYTCH_TOKEN_URL to ${advertised} (it applies to M2M clients too), or correct projectDomain`
          : `STYTCH_TOKEN_URL overrides the project domain: unset it, or set it to ${advertised}`,
    };
  }
  return {
    ...base,
    subject: url,
    verdict: 'ok',
    detail: `advertises ${advertised}, the endpoint Connected Apps use`,
  };
}

/**
 * A deliberately wrong secret must be answered `invalid_client`, or the probe cannot tell a good
 * secret from a bad one. Returns whether it was.
 */
export async function calibrationFinding(
  stytch: StytchClient,
  clientId: string,
  config: RotationConfig,
  endpoints: StytchEndpoints,
  deadline: number,
): Promise<{ finding: Finding; calibrated: boolean }> {
  const url = endpoints.connectedAppTokenUrl;
  const base = { check: 'probe-calibration', subject: url };
  let answer: Awaited<ReturnType<typeof probeWithWrongSecret>>;
  try {
    answer = await probeWithWrongSecret(stytch, clientId, { deadline });
  } catch (error) {
    return {
      calibrated: false,
      finding: {
        ...base,
        verdict: 'fail',
        detail: `no usable answer to the probe of ${clientId}: ${messageOf(error)}`,
        advice: `check that ${url} is this project's OAuth token endpoint (STYTCH_TOKEN_URL, projectDomain)`,
      },
    };
  }
  if (isCalibrationAnswer(answer)) {
    return {
      calibrated: true,
      finding: {
        ...base,
        verdict: 'ok',
        detail: `a deliberately wrong secret for ${clientId} got ${describeTokenAnswer(answer)}: the probe tells a good secret from a bad one`,
      },
    };
  }
  const code = probeAnswerCode(answer);
  const grantFirst = code !== undefined && config.probeAcceptedErrors.includes(code);
  const detail = grantFirst
    ? `a deliberately wrong secret for ${clientId} got ${describeTokenAnswer(answer)}, not invalid_client: this endpoint checks the grant before the client, so testSecret would fail every Connected App rotation closed (PROBE_UNRELIABLE)`
    : `a deliberately wrong secret for ${clientId} got ${describeTokenAnswer(answer)}, not invalid_client: this does not look like the project's OAuth token endpoint, so testSecret would fail every Connected App rotation closed (PROBE_UNRELIABLE)`;
  return {
    calibrated: false,
    finding: {
      ...base,
      verdict: 'fail',
      detail,
      advice: calibrationAdvice(config, url, grantFirst),
    },
  };
}

/** Exactly which setting to change, given which endpoint answered. */
function calibrationAdvice(config: RotationConfig, url: string, grantFirst: boolean): string {
  if (config.stytchTokenUrl !== undefined) {
    return `STYTCH_TOKEN_URL (${url}) decides the endpoint: unset it${config.stytchProjectDomain === undefined ? ` and ${SET_DOMAIN}` : " so the project domain's endpoint is used"}, or point it at the token_endpoint of the project's OpenID configuration`;
  }
  if (config.stytchProjectDomain === undefined) {
    return `${SET_DOMAIN}, so Connected Apps use https://{project domain}/v1/oauth2/token, then run doctor again`;
  }
  return grantFirst
    ? `the project domain's endpoint cannot be probed either: set STYTCH_TOKEN_URL to a token endpoint of this project that checks the client before the grant, or leave Connected Apps out of cdk.json clients until Stytch confirms one`
    : `check projectDomain (STYTCH_PROJECT_DOMAIN), now ${config.stytchProjectDomain}: ${SET_DOMAIN}`;
}

/**
 * With a calibrated endpoint and a stored secret of the Connected App: the probe's answer to the
 * stored secret is one testSecret accepts (or a token). Without a stored secret, the first
 * rotation's testSecret is the first to see it.
 */
export async function acceptanceFinding(
  stytch: StytchClient,
  clientId: string,
  storedSecret: string | undefined,
  config: RotationConfig,
  deadline: number,
): Promise<Finding> {
  const base = { check: 'probe-acceptance', subject: clientId };
  if (storedSecret === undefined) {
    return {
      ...base,
      verdict: 'skip',
      detail:
        "no stored secret of this client yet: the first rotation's testSecret is the first to present a good secret",
    };
  }
  let answer: Awaited<ReturnType<typeof probeConnectedApp>>;
  try {
    answer = await probeConnectedApp(stytch, clientId, storedSecret, { deadline });
  } catch (error) {
    return { ...base, verdict: 'fail', detail: `no usable answer: ${messageOf(error)}` };
  }
  const stored = `the stored secret (last four ${lastFour(storedSecret)})`;
  const code = probeAnswerCode(answer);
  if (
    answer.accessTokenIssued ||
    (code !== undefined && config.probeAcceptedErrors.includes(code))
  ) {
    return {
      ...base,
      verdict: 'ok',
      detail: `${stored} passed client authentication (${describeTokenAnswer(answer)})`,
    };
  }
  if (isCalibrationAnswer(answer)) {
    return {
      ...base,
      verdict: 'fail',
      detail: `Stytch refuses ${stored} with invalid_client`,
      advice:
        'the stored secret no longer works: run `stytch-rotation status` (drift) and rotate the secret',
    };
  }
  return {
    ...base,
    verdict: 'fail',
    detail: `${stored} got ${describeTokenAnswer(answer)}, which STYTCH_PROBE_ACCEPTED_ERRORS (${config.probeAcceptedErrors.join(', ')}) does not accept, so testSecret would stop every Connected App rotation (PROBE_UNRELIABLE)`,
    advice: `add "${code ?? answer.status}" to the function's STYTCH_PROBE_ACCEPTED_ERRORS (now ${config.probeAcceptedErrors.join(',')})`,
  };
}
