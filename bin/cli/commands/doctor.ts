/**
 * `doctor`: checks a setup before the first deploy (and any time after), read-only: the credentials
 * parameter, the project credentials at Stytch, each client, the token endpoint and the Connected
 * App probe's calibration, and the function's policy. One line per check (or `--json`); exit 3 when
 * any check failed. It never starts, cancels or completes a rotation and never prints a secret.
 */
import { resolveStytchEndpoints } from '../../../lambda/config.ts';
import { parseSecretValue } from '../../../lambda/secrets/secret-value.ts';
import { stytchClientFor } from '../../../lambda/stytch/connect.ts';
import { createStytchDispatcher } from '../../../lambda/stytch/http.ts';
import { deadlineFrom } from '../../../lambda/stytch/retry.ts';
import type { CliContext } from '../context.ts';
import { functionPolicyFinding } from '../doctor/policy-check.ts';
import { doctorExitCode, type Finding, printFindings } from '../doctor/report.ts';
import {
  AUTH_CHECK_CLIENT_ID,
  authenticationFinding,
  checkCredentials,
  clientFinding,
  lookUpClients,
  messageOf,
  otherKindLookup,
} from '../doctor/stytch-checks.ts';
import {
  acceptanceFinding,
  calibrationFinding,
  tokenEndpointFinding,
} from '../doctor/token-checks.ts';
import type { ExitCode } from '../exit-codes.ts';

/** The whole doctor's Stytch calls share this budget. */
const BUDGET_MS = 60_000;

export async function doctorCommand(ctx: CliContext): Promise<ExitCode> {
  const findings: Finding[] = [];
  const report = (): ExitCode => {
    findings.push(functionPolicyFinding(ctx.flags.cdkOut));
    printFindings(ctx.io, findings, ctx.flags.json);
    return doctorExitCode(findings);
  };
  const parameter = ctx.credentialsParameter();
  const stored = await storedSecrets(ctx, findings);
  const clientIds = ctx.flags.clients.length > 0 ? ctx.flags.clients : [...stored.keys()];

  const { finding, credentials } = await checkCredentials(ctx.ssm, parameter, ctx.io.clock);
  findings.push(finding);
  if (credentials === undefined) return report();

  let endpoints: ReturnType<typeof resolveStytchEndpoints>;
  try {
    endpoints = resolveStytchEndpoints(ctx.config, credentials.projectId);
  } catch (error) {
    findings.push({
      check: 'stytch-auth',
      verdict: 'fail',
      detail: messageOf(error),
      advice: 'fix project_id with `stytch-rotation credentials set`, or set STYTCH_API_BASE_URL',
    });
    return report();
  }
  const dispatcher = createStytchDispatcher();
  try {
    const deadlineAt = deadlineFrom(BUDGET_MS, 0, ctx.io.clock);
    const deadline = () => deadlineAt;
    const stytch = stytchClientFor(credentials, ctx.config, {
      dispatcher,
      log: ctx.log,
      clock: ctx.io.clock,
    });
    const lookups = await lookUpClients(stytch, clientIds, deadline);
    const auth = await authenticationFinding(lookups, credentials, endpoints.baseUrl, () =>
      lookUpClients(stytch, [AUTH_CHECK_CLIENT_ID], deadline),
    );
    findings.push(auth);
    if (auth.verdict === 'fail') return report();
    if (clientIds.length === 0) {
      findings.push({
        check: 'client',
        verdict: 'skip',
        detail: 'no clients to check: pass --client, list them in cdk.json, or tag managed secrets',
      });
    }
    const otherKind = otherKindLookup(endpoints.baseUrl, credentials, dispatcher);
    for (const lookup of lookups) findings.push(await clientFinding(lookup, otherKind));

    findings.push(await tokenEndpointFinding(ctx.config, endpoints, dispatcher));
    const connectedApp = lookups.find(
      (l) =>
        'state' in l &&
        l.state.kind === 'connected_app' &&
        !l.state.clientType?.endsWith('_public'),
    );
    if (connectedApp === undefined) {
      findings.push({
        check: 'probe-calibration',
        verdict: 'skip',
        detail:
          'no confidential Connected App among the clients (M2M secrets are tested with client_credentials)',
      });
    } else {
      const calibration = await calibrationFinding(
        stytch,
        connectedApp.clientId,
        ctx.config,
        endpoints,
        deadline(),
      );
      findings.push(calibration.finding);
      if (calibration.calibrated) {
        findings.push(
          await acceptanceFinding(
            stytch,
            connectedApp.clientId,
            stored.get(connectedApp.clientId),
            ctx.config,
            deadline(),
          ),
        );
      }
    }
    return report();
  } finally {
    await dispatcher.destroy();
  }
}

/**
 * The client secrets the managed secrets hold now (AWSCURRENT), by client id, for the probe's
 * acceptance check and as the clients to check when none are given. Read-only; never printed.
 */
async function storedSecrets(
  ctx: CliContext,
  findings: Finding[],
): Promise<Map<string, string | undefined>> {
  const secrets = new Map<string, string | undefined>();
  const { key, value } = ctx.flags.tag;
  try {
    for await (const metadata of ctx.store.listTagged(key, value)) {
      const raw = await ctx.store.readValue(metadata.arn, { stage: 'AWSCURRENT' });
      try {
        const parsed = parseSecretValue(raw, metadata.name);
        secrets.set(parsed.clientId, parsed.clientSecret);
      } catch {
        // A value the function would refuse: status reports it; the doctor checks clients, not values.
      }
    }
  } catch (error) {
    findings.push({
      check: 'managed-secrets',
      verdict: 'skip',
      detail: `cannot list the secrets tagged ${key} (${messageOf(error)}): checks that need a stored secret are skipped`,
    });
  }
  return secrets;
}
