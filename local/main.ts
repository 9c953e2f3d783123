/**
 * `npm run local-cloud`: serves the local cloud until Ctrl-C, seeded as a deployment of the stack
 * would find it (see demo/demo-cloud.ts), with the reconcile on the stack's schedule compressed by
 * --time-scale, and prints the export lines that point this CLI, the AWS CLI and boto3 at it.
 * `--empty` serves the bare cloud. `--help` lists the flags.
 */
import { startLocalCloud } from './cloud.ts';
import { runEntryPoint, silenceSdkNodeVersionNotice } from './command-line.ts';
import { type Demo, seedDemo } from './demo/demo-cloud.ts';
import { functionOutputPrinter } from './demo/function-output.ts';
import { parseDemoOptions } from './demo/options.ts';
import { startReconcileSchedule } from './demo/reconcile-schedule.ts';
import { readStackSettings } from './demo/stack-settings.ts';
import { readSynthesizedFunction } from './synth-output.ts';
import { synthesizeIfStale } from './synthesize.ts';

const out = (line: string) => console.log(line);

async function main(): Promise<number> {
  silenceSdkNodeVersionNotice();
  const options = parseDemoOptions(process.argv.slice(2));
  let fn: ReturnType<typeof readSynthesizedFunction> | undefined;
  if (!options.empty) {
    if (synthesizeIfStale(options.cdkOut)) out(`synthesized the stack into ${options.cdkOut}`);
    fn = readSynthesizedFunction(options.cdkOut);
  }
  const cloud = await startLocalCloud({
    ports: options.ports,
    rotation: { maxAttempts: 3, timeoutMs: (fn?.timeoutSeconds ?? 30) * 1000 },
  });
  let demo: Demo | undefined;
  if (fn !== undefined) {
    demo = await seedDemo(cloud, fn, readStackSettings(), {
      timeScale: options.timeScale,
      clientCount: options.clients,
      onOutput: functionOutputPrinter(out, options.verbose),
    });
  }
  const schedule =
    demo === undefined
      ? undefined
      : startReconcileSchedule(demo.invoke, demo.reconcileIntervalMs, out);

  out('local cloud on 127.0.0.1 (Ctrl-C to stop):');
  out(`  Secrets Manager  ${cloud.secretsManager.url}`);
  out(`  SSM              ${cloud.ssm.url}`);
  out(`  Stytch           ${cloud.stytch.url}`);
  out(`  DynamoDB         ${cloud.dynamodb.url} (lease table ${cloud.leaseTable})`);
  if (demo !== undefined && fn !== undefined) {
    const env = demo.functionEnv;
    out(
      `  Stytch project   ${demo.projectId} (credentials in SSM ${env.STYTCH_CREDENTIALS_PARAMETER})`,
    );
    out(`  function         ${demo.functionArn} (${fn.bundlePath})`);
    out(
      `  time scale 1/${options.timeScale}: completion delay ${env.STYTCH_COMPLETION_DELAY_SECONDS} s, ` +
        `reconcile every ${demo.reconcileIntervalMs / 1000} s, stuck after ${env.STYTCH_STUCK_ROTATION_HOURS} h`,
    );
    for (const name of fn.unresolvedVariables.filter((n) => env[n] === undefined)) {
      out(`  note: the function's ${name} is set by CloudFormation at deploy; here it is unset`);
    }
    out('managed secrets:');
    for (const secret of demo.secrets) out(`  ${secret.name}  (${secret.clientId})`);
  }
  out('');
  out('in another shell, paste these for this CLI, the AWS CLI (v1, v2) and boto3:');
  for (const line of exportLines(
    cloud.awsEnv,
    cloud.leaseTable,
    cloud.region,
    cloud.stytch.url,
    demo,
  ))
    out(line);
  if (demo?.secrets[0] !== undefined) {
    const name = demo.secrets[0].name;
    out('');
    out('then try:');
    out('  npm run cli -- status');
    out(`  npm run cli -- rotate ${name}`);
    out(`  npm run cli -- complete ${name}`);
    out(`  aws secretsmanager rotate-secret --secret-id ${name}`);
  }
  out('');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  schedule?.stop();
  await demo?.invoke.close();
  await cloud.close();
  return 0;
}

/**
 * Every variable the tools need: whatever the cloud's `awsEnv` holds (endpoints per service,
 * region, placeholder credentials), AWS_DEFAULT_REGION for the AWS CLI v1 and boto3, and for this
 * CLI the lease table, the credentials parameter, the local Stytch and the scaled durations `status` judges by.
 */
function exportLines(
  awsEnv: Readonly<Record<string, string>>,
  leaseTable: string,
  region: string,
  stytchUrl: string,
  demo: Demo | undefined,
): string[] {
  const variables: Record<string, string> = {
    ...awsEnv,
    AWS_DEFAULT_REGION: region,
    STYTCH_LEASE_TABLE: leaseTable,
  };
  if (demo !== undefined) {
    for (const name of [
      'STYTCH_CREDENTIALS_PARAMETER',
      'STYTCH_COMPLETION_DELAY_SECONDS',
      'STYTCH_STUCK_ROTATION_HOURS',
      'STYTCH_PROJECT_DOMAIN',
    ]) {
      const value = demo.functionEnv[name];
      if (value !== undefined) variables[name] = value;
    }
    variables.STYTCH_API_BASE_URL = stytchUrl;
  }
  return Object.entries(variables).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

runEntryPoint('local-cloud', main);
