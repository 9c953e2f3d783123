/**
 * The reconcile at fleet scale: N managed secrets on the local cloud, in one of three cases (all
 * idle; 1 % with an overlap due; 100 % due together), and one scheduled pass of the function's own
 * handler, in this process, with the stack's 120 s invocation time and its default pacing. A pass
 * that runs out of time continues in a fresh invocation at once, as the deployed function does
 * (an async Invoke of itself); the measurement follows the chain to its end. Calls are read from the
 * local servers' request logs, so they are exactly what reached Secrets Manager and Stytch.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { ContinuationEvent } from '../lambda/reconcile/continuation.ts';
import { OVERLAP_COMPLETED_TAG, OVERLAP_SINCE_TAG } from '../lambda/reconcile/tags.ts';
import { createHandler } from '../lambda/rotation/handler.ts';
import { type LocalCloud, startLocalCloud } from '../local/cloud.ts';
import {
  localAwsClientConfig,
  localSecretsManagerClient,
  seedStytchProject,
} from '../local/seed.ts';

export type ReconcileCase = 'idle' | '1% due' | '100% due';

export interface ReconcileRun {
  readonly secrets: number;
  readonly case: ReconcileCase;
  /** Injected per-call latency on every server, ms (0: none). */
  readonly latencyMs: number;
  /** Invocations the scheduled pass took (1 + continuations). */
  readonly invocations: number;
  /** Wall time from the scheduled pass's start to the last invocation's end. */
  readonly wallMs: number;
  /** Secrets Manager calls by operation. */
  readonly secretsManager: Readonly<Record<string, number>>;
  /** Stytch management calls by operation. */
  readonly stytch: Readonly<Record<string, number>>;
  /** GetSecretValue calls: secret values read. */
  readonly valuesRead: number;
  /** Overlaps due at the start, and how many were completed at Stytch by the end. */
  readonly overlapsDue: number;
  readonly overlapsCompleted: number;
  /** When the last due overlap was completed, ms after the pass started. */
  readonly lastCompletionMs: number | undefined;
  /** Secrets the audit slice covered. */
  readonly audited: number;
}

const CREDENTIALS = '/stytch-secret-rotation/credentials';
const TAG = { key: 'stytch-secret-rotation', value: 'bench' };
const DELAY_SECONDS = 3600;
/** The stack's function timeout. */
const INVOCATION_MS = 120_000;

/** Seeds the cloud and runs one scheduled pass (and its continuations) for one case. */
export async function measureReconcilePass(
  secrets: number,
  kase: ReconcileCase,
  latencyMs: number,
): Promise<ReconcileRun> {
  const cloud = await startLocalCloud();
  const sm = localSecretsManagerClient(cloud);
  try {
    const project = seedStytchProject(cloud, CREDENTIALS);
    const due = kase === 'idle' ? 0 : kase === '1% due' ? Math.ceil(secrets / 100) : secrets;
    const clientIds = await seedSecrets(cloud, sm, project.projectId, secrets, due);
    const smMark = cloud.secretsManager.requestLog.length;
    const stytchMark = cloud.stytch.requestLog.length;
    if (latencyMs > 0) {
      cloud.secretsManager.faults.setLatency(latencyMs);
      cloud.stytch.faults.setLatency(latencyMs);
    }
    const started = performance.now();
    const startedEpoch = Date.now();
    const { invocations, audited } = await runChain(cloud);
    const wallMs = performance.now() - started;
    cloud.clearFaults();
    const smCalls = cloud.secretsManager.requestLog.slice(smMark);
    const stytchCalls = cloud.stytch.requestLog.slice(stytchMark);
    const completions = stytchCalls.filter(
      (e) => /\.rotate$/.test(e.operation) && e.status === 200,
    );
    const stillOpen = clientIds.filter((id) => cloud.stytch.clientState(id).nextLastFour !== null);
    const last = completions.at(-1);
    return {
      secrets,
      case: kase,
      latencyMs,
      invocations,
      wallMs,
      secretsManager: countBy(smCalls.map((e) => e.operation)),
      stytch: countBy(stytchCalls.map((e) => e.operation)),
      valuesRead: smCalls.filter((e) => e.operation === 'GetSecretValue').length,
      overlapsDue: due,
      overlapsCompleted: due - stillOpen.length,
      lastCompletionMs:
        last === undefined ? undefined : last.startedAt + last.durationMs - startedEpoch,
      audited,
    };
  } finally {
    sm.destroy();
    await cloud.close();
  }
}

/** The scheduled pass, then each continuation it asks for, one after another as Lambda runs them. */
async function runChain(cloud: LocalCloud): Promise<{ invocations: number; audited: number }> {
  const queue: unknown[] = [scheduledEvent()];
  let audited = 0;
  const metrics = {
    pending: [] as Array<[string, number]>,
    addMetric(name: string, _unit: unknown, value: number) {
      this.pending.push([name, value]);
    },
    publishStoredMetrics() {
      for (const [name, value] of this.pending) if (name === 'SecretsAudited') audited += value;
      this.pending = [];
    },
  };
  const handler = createHandler({
    env: {
      STYTCH_CREDENTIALS_PARAMETER: CREDENTIALS,
      STYTCH_API_BASE_URL: cloud.stytch.url,
      STYTCH_COMPLETION_DELAY_SECONDS: String(DELAY_SECONDS),
      STYTCH_MANAGED_TAG: `${TAG.key}=${TAG.value}`,
      LOG_LEVEL: 'ERROR',
    },
    secretsManager: new SecretsManagerClient({
      ...localAwsClientConfig(cloud, cloud.secretsManager.url),
    }),
    ssm: new SSMClient(localAwsClientConfig(cloud, cloud.ssm.url)),
    metrics,
    startContinuation: async (event: ContinuationEvent) => {
      queue.push(event);
    },
  });
  let invocations = 0;
  while (queue.length > 0) {
    const event = queue.shift();
    invocations += 1;
    const end = performance.now() + INVOCATION_MS;
    await handler(event, { getRemainingTimeInMillis: () => end - performance.now() }).catch(
      (error: unknown) => {
        // A pass that needs attention still did its work; anything else is a bench failure.
        if ((error as { code?: string }).code !== 'RECONCILE_NEEDS_ATTENTION') throw error;
      },
    );
  }
  return { invocations, audited };
}

function scheduledEvent() {
  return { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
}

/**
 * `count` rotated secrets: AWSPREVIOUS holds the client's first secret, AWSCURRENT its second. The
 * first `due` have their overlap open and due (Stytch still accepts both); the rest completed it
 * and recorded so. Two calls per secret, 16 at a time.
 */
async function seedSecrets(
  cloud: LocalCloud,
  sm: SecretsManagerClient,
  projectId: string,
  count: number,
  due: number,
): Promise<string[]> {
  const promotedAt = new Date(Date.now() - (DELAY_SECONDS + 60) * 1000).toISOString();
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const kind = i % 2 === 0 ? 'm2m' : 'connected_app';
      const { clientId, clientSecret } = cloud.stytch.createClient(projectId, { kind });
      const newer = cloud.stytch.startRotation(clientId);
      const isDue = i < due;
      if (!isDue) cloud.stytch.completeRotation(clientId);
      const current = randomUUID();
      const overlapTag = isDue ? OVERLAP_SINCE_TAG : OVERLAP_COMPLETED_TAG;
      await sm.send(
        new CreateSecretCommand({
          Name: `stytch/bench/${clientId}`,
          SecretString: JSON.stringify({ client_id: clientId, client_secret: clientSecret }),
          Tags: [
            { Key: TAG.key, Value: TAG.value },
            { Key: overlapTag, Value: `${current}@${promotedAt}` },
          ],
        }),
      );
      await sm.send(
        new PutSecretValueCommand({
          SecretId: `stytch/bench/${clientId}`,
          ClientRequestToken: current,
          SecretString: JSON.stringify({ client_id: clientId, client_secret: newer }),
        }),
      );
      ids.push(clientId);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return ids;
}

function countBy(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}
