/**
 * Scale under Stytch's rate limit: N clients whose rotations Secrets Manager starts at once (one
 * rotation window), the local Stytch limited to R requests a second (token bucket), the function
 * bounded by reserved concurrency. Not a vitest test: it makes a timing claim.
 *
 *   npx tsx test/reliability/scale.run.ts [--clients 1000] [--rate 60] [--concurrency 25]
 *
 * Targets: zero failed rotations, and a total time within 1.25x of the floor the limit sets (the
 * Stytch calls a clean run needs, less the bucket's initial burst, divided by R). Exits 1 when a
 * target is missed, 2 on a usage error.
 */
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { runLimited } from './support/run-limited.ts';
import { startFleet } from './support/scale-fleet.ts';
import { formatScaleReport, measureRun } from './support/scale-report.ts';

const MAX_RATIO = 1.25;

// The function runs on nodejs22.x; this machine's Node 20 only makes the SDK print a banner.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a whole number of at least 1, got ${process.argv[at + 1]}`);
    process.exit(2);
  }
  return value;
}

const clients = option('clients', 1000);
const rate = option('rate', 60);
const concurrency = option('concurrency', 25);

const fleet = await startFleet({ clients, concurrency });
try {
  const { cloud } = fleet;
  const stytchMark = cloud.stytch.requestLog.length;
  cloud.stytch.faults.setRateLimit({ perSecond: rate, burst: rate });
  const started = performance.now();
  // The window opens: Secrets Manager starts every rotation; then wait for each one to end.
  const rotations = await runLimited(
    fleet.clients.map(
      (client) => () => fleet.sm.send(new RotateSecretCommand({ SecretId: client.secretArn })),
    ),
    50,
  );
  const outcomes = await Promise.all(
    fleet.clients.map((client, i) =>
      cloud.secretsManager.waitForRotation(client.secretArn, rotations[i]?.VersionId),
    ),
  );
  const elapsedMs = performance.now() - started;
  const report = measureRun({ fleet, outcomes, elapsedMs, rate, concurrency, stytchMark });
  console.log(formatScaleReport(report, MAX_RATIO));
  process.exitCode =
    report.failed === 0 && report.invariantFailures === 0 && report.ratio <= MAX_RATIO ? 0 : 1;
} finally {
  await fleet.close();
}
