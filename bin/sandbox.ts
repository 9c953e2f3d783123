/**
 * `npm start`: the sandbox. Runs the bundle and environment that `cdk synth` produced, in a child
 * process as Lambda would, against the local cloud: creates example clients and their secrets,
 * rotates each through Secrets Manager's RotateSecret, lets the reconcile complete each overlap, and
 * prints a timeline of every step and call and a final table. Exits 1 if a rotation failed, 2 on a bad
 * command line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { startLocalCloud } from '../local/cloud.ts';
import { runEntryPoint, silenceSdkNodeVersionNotice } from '../local/command-line.ts';
import { createProcessInvoker } from '../local/process-invoker.ts';
import {
  createManagedSecret,
  localSecretsManagerClient,
  putStytchCredentials,
} from '../local/seed.ts';
import { readSynthesizedFunction } from '../local/synth-output.ts';
import { synthesize } from '../local/synthesize.ts';
import { FunctionLogs } from './sandbox/function-logs.ts';
import { parseSandboxOptions } from './sandbox/options.ts';
import { printReport, type SecretRow } from './sandbox/report.ts';
import { createStytchTarget } from './sandbox/stytch-target.ts';
import { markLogs, printReconcile, printStep } from './sandbox/timeline.ts';

const FUNCTION_ARN =
  'arn:aws:lambda:us-east-1:000000000000:function:stytch-secret-rotation-sandbox';
const out = (line: string) => console.log(line);

async function main(): Promise<number> {
  silenceSdkNodeVersionNotice();
  const options = parseSandboxOptions(process.argv.slice(2), process.env);
  synthesize(options.cdkOut);
  const fn = readSynthesizedFunction(options.cdkOut);
  const cloud = await startLocalCloud({
    rotation: { maxAttempts: 3, timeoutMs: fn.timeoutSeconds * 1000 },
  });
  const logs = new FunctionLogs();
  const sm = localSecretsManagerClient(cloud);
  try {
    const stytch = await createStytchTarget(cloud, options);
    putStytchCredentials(
      cloud,
      fn.environment.STYTCH_CREDENTIALS_PARAMETER ?? '/stytch-secret-rotation/credentials',
      stytch.credentials,
    );
    const env = {
      ...fn.environment,
      ...cloud.awsEnv,
      ...stytch.env,
      // The template names the stack's table by Ref; locally it is the local cloud's.
      STYTCH_LEASE_TABLE: cloud.leaseTable,
      STYTCH_COMPLETION_DELAY_SECONDS: String(options.completionDelaySeconds),
    };
    const invoke = createProcessInvoker({
      bundlePath: fn.bundlePath,
      handlerExport: fn.handlerExport,
      env,
      timeoutMs: fn.timeoutSeconds * 1000,
      onOutput: (text) => logs.write(text),
    });
    const servers = [cloud.secretsManager, cloud.ssm, cloud.stytch, cloud.dynamodb];
    cloud.secretsManager.registerFunction(FUNCTION_ARN, async (event, context) => {
      const marks = markLogs(servers);
      const started = performance.now();
      try {
        return await invoke(event, context);
      } finally {
        await sleep(20); // the worker's last log lines may trail its answer
        printStep(
          out,
          event.Step,
          performance.now() - started,
          logs.take(),
          marks,
          options.verbose,
        );
      }
    });

    out(`sandbox: ${fn.description}`);
    out(`  bundle ${fn.bundlePath}`);
    out(
      `  Stytch ${stytch.description}; Secrets Manager ${cloud.secretsManager.url}; SSM ${cloud.ssm.url}`,
    );
    out(
      `  completion delay ${options.completionDelaySeconds} s (the stack's is ${fn.environment.STYTCH_COMPLETION_DELAY_SECONDS ?? 'unset'} s)`,
    );

    const [tagKey, tagValue] = (
      fn.environment.STYTCH_MANAGED_TAG ?? 'stytch-secret-rotation=sandbox'
    ).split('=');
    const secrets: { arn: string; clientId: string }[] = [];
    for (const clientId of stytch.clientIds) {
      const arn = await createManagedSecret(sm, {
        name: `stytch/sandbox/${clientId}`,
        value: JSON.stringify({ client_id: clientId }),
        tag: { key: tagKey, value: tagValue },
        rotationFunctionArn: FUNCTION_ARN,
      });
      secrets.push({ arn, clientId });
    }

    let failed = 0;
    for (let round = 1; round <= options.rotations; round++) {
      for (const secret of secrets) {
        out('');
        out(
          `rotation ${round}/${options.rotations} of ${secret.clientId}${round === 1 ? ' (bootstrap: no secret stored yet)' : ''}`,
        );
        const started = await sm.send(new RotateSecretCommand({ SecretId: secret.arn }));
        const outcome = await cloud.secretsManager.waitForRotation(secret.arn, started.VersionId);
        out(
          `  → ${outcome.outcome} after ${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'}`,
        );
        if (outcome.outcome !== 'succeeded') failed += 1;
      }
      if (options.completionDelaySeconds > 0) {
        out('');
        out(
          `waiting ${options.completionDelaySeconds} s for the overlap, then the scheduled reconcile runs`,
        );
        await sleep(options.completionDelaySeconds * 1000 + 100);
        const marks = markLogs(servers);
        const begun = performance.now();
        const failure = await invoke({
          source: 'aws.events',
          'detail-type': 'Scheduled Event',
          detail: {},
        }).then(
          () => undefined,
          (error: Error) => error,
        );
        await sleep(20);
        printReconcile(out, failure, performance.now() - begun, logs.take(), marks);
      }
    }

    const rows: SecretRow[] = [];
    for (const secret of secrets) {
      rows.push({
        secretArn: secret.arn,
        clientId: secret.clientId,
        stytch: await stytch.state(secret.clientId),
      });
    }
    printReport(out, cloud.secretsManager, rows);
    out('');
    out(failed === 0 ? 'all rotations succeeded' : `${failed} rotation(s) failed`);
    await invoke.close();
    return failed === 0 ? 0 : 1;
  } finally {
    sm.destroy();
    await cloud.close();
  }
}

runEntryPoint('sandbox', main);
