/**
 * testSecret: prove the pending secret authenticates at Stytch's token endpoint. An M2M client gets a
 * token by client_credentials (discarded unseen). A Connected App has no user-free grant, so the step
 * probes client authentication with a bogus refresh token: a grant-level error proves the secret was
 * accepted, `invalid_client` proves it was not. That reading holds only if the endpoint answers a wrong
 * secret with `invalid_client`, which is checked first; otherwise the step fails closed.
 */
import { ProbeUnreliableError, SecretTestError } from '../../errors.ts';
import { type ClientSecretValue, lastFour } from '../../secrets/secret-value.ts';
import type { CallOptions } from '../../stytch/client.ts';
import {
  describeTokenAnswer,
  isCalibrationAnswer,
  probeAnswerCode,
  probeConnectedApp,
  probeWithWrongSecret,
} from '../probe-calibration.ts';
import type { StepDeps, StepInput, StepResult } from '../step-context.ts';
import { readPendingValue, requireClientSecret } from '../versions.ts';

const CONNECTED_APP_PROBE = 'connected_app:refresh_token';

export async function testSecret(deps: StepDeps, input: StepInput): Promise<StepResult> {
  // RotateSecret with RotateImmediately=false (a schedule the stack creates or changes) "tests the
  // rotation configuration by running the testSecret step" on an AWSPENDING version it creates
  // empty and removes again. In a rotation, testSecret only runs after createSecret stored a
  // value, so an empty pending version is that test: the function was reached, which is all it
  // can show. finishSecret still refuses a pending version without a secret.
  const pending = await readPendingValue(deps.store, input.metadata, input.token);
  if (pending === undefined) {
    return {
      outcome: 'skipped',
      detail: "Secrets Manager's configuration test: the pending version holds no value to test",
    };
  }
  const { value, secret } = requireClientSecret(pending, input.metadata, input.token, 'testSecret');
  const call: CallOptions = { deadline: input.deadline };
  const detail =
    value.kind === 'm2m_client'
      ? await testM2mSecret(deps, value, secret, call)
      : await testConnectedAppSecret(deps, value, secret, call);
  return { outcome: 'succeeded', clientId: value.clientId, detail };
}

async function testM2mSecret(
  deps: StepDeps,
  value: ClientSecretValue,
  secret: string,
  call: CallOptions,
): Promise<string> {
  const result = await deps.stytch.requestToken(
    value.clientId,
    secret,
    { grant_type: 'client_credentials' },
    call,
  );
  if (result.accessTokenIssued) return 'the pending secret obtained an access token';
  throw new SecretTestError(
    `testSecret: the pending secret (last four ${lastFour(secret)}) of ${value.clientId} did not ` +
      `obtain a token: ${describeTokenAnswer(result)}. The current secret keeps working; the rotation is retried`,
  );
}

async function testConnectedAppSecret(
  deps: StepDeps,
  value: ClientSecretValue,
  secret: string,
  call: CallOptions,
): Promise<string> {
  const { stytch, probe, config } = deps;
  if (!probe.isCalibrated(CONNECTED_APP_PROBE)) {
    const wrong = await probeWithWrongSecret(stytch, value.clientId, call);
    if (!isCalibrationAnswer(wrong)) {
      throw new ProbeUnreliableError(
        `testSecret: Stytch's token endpoint answered a deliberately wrong client secret for ` +
          `${value.clientId} with ${describeTokenAnswer(wrong)} instead of invalid_client, so it cannot ` +
          'tell a good secret from a bad one. The rotation stops and the current secret keeps ' +
          'working. Check STYTCH_PROJECT_DOMAIN and STYTCH_TOKEN_URL (the token endpoint must be this ' +
          "project's, e.g. the token_endpoint of https://{project domain}/.well-known/openid-configuration); " +
          '`stytch-rotation doctor` checks it without rotating',
      );
    }
    probe.markCalibrated(CONNECTED_APP_PROBE);
  }
  const result = await probeConnectedApp(stytch, value.clientId, secret, call);
  if (result.accessTokenIssued) return 'the pending secret obtained an access token';
  if (result.error === 'invalid_client') {
    throw new SecretTestError(
      `testSecret: Stytch rejected the pending secret (last four ${lastFour(secret)}) of ` +
        `${value.clientId} with invalid_client (request ${result.requestId ?? 'unknown'}). The ` +
        'current secret keeps working; the rotation is retried',
    );
  }
  const accepted = config.probeAcceptedErrors;
  const answered = probeAnswerCode(result);
  if (answered !== undefined && accepted.includes(answered)) {
    return `the pending secret passed client authentication (the bogus grant got ${answered})`;
  }
  throw new ProbeUnreliableError(
    `testSecret: the probe of ${value.clientId} got ${describeTokenAnswer(result)}, which is neither ` +
      `invalid_client nor one of STYTCH_PROBE_ACCEPTED_ERRORS (${accepted.join(', ')}). The rotation ` +
      'stops and the current secret keeps working. If this answer means the client authenticated ' +
      `and only the bogus grant was refused, add "${answered ?? result.status}" to STYTCH_PROBE_ACCEPTED_ERRORS`,
  );
}
