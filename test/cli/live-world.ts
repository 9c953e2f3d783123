/**
 * A world on real time, for what a manual clock cannot drive: a CLI process that polls and times
 * out, and consumers whose caches expire. The local cloud, a Stytch project with its credentials in
 * SSM, and the function (rotation steps and the reconcile) registered in this process; other
 * processes reach it through `cliEnv`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { systemClock } from '../../lambda/clock.ts';
import { ReconcileAttentionError } from '../../lambda/reconcile/errors.ts';
import { createHandler, type Handler } from '../../lambda/rotation/handler.ts';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import type { RotationOutcome } from '../../local/secrets-manager/index.ts';
import {
  createManagedSecret,
  localAwsClientConfig,
  localSecretsManagerClient,
  seedStytchProject,
} from '../../local/seed.ts';
import { LAMBDA_CONTEXT } from '../e2e/rotation-world.ts';
import { RecordingMetrics, SCHEDULED_EVENT } from '../reconcile/reconcile-driver.ts';
import { RecordingLog } from '../unit/helpers/recording-log.ts';

export const LIVE_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:live-rotation';
export const LIVE_CREDENTIALS_PARAMETER = '/stytch-secret-rotation/live/credentials';
export const LIVE_TAG = { key: 'stytch-secret-rotation', value: 'live' };

export interface LiveWorldOptions {
  readonly completionDelaySeconds: number;
  /** Attempts Secrets Manager makes per rotation. @default 3 */
  readonly maxAttempts?: number;
}

export interface LiveClient {
  readonly clientId: string;
  readonly secretArn: string;
  readonly name: string;
}

export class LiveWorld {
  readonly log = new RecordingLog();
  readonly metrics = new RecordingMetrics();
  /** Every secret this world has seen, for no-leak checks. */
  readonly knownSecrets: string[] = [];
  readonly handler: Handler;

  private constructor(
    readonly cloud: LocalCloud,
    readonly sm: SecretsManagerClient,
    readonly projectId: string,
    readonly functionEnv: Readonly<Record<string, string>>,
  ) {
    this.handler = createHandler({
      env: functionEnv,
      clock: systemClock,
      log: this.log,
      metrics: this.metrics,
      secretsManager: new SecretsManagerClient(
        localAwsClientConfig(cloud, cloud.secretsManager.url),
      ),
      ssm: new SSMClient(localAwsClientConfig(cloud, cloud.ssm.url)),
      dynamodb: new DynamoDBClient(localAwsClientConfig(cloud, cloud.dynamodb.url)),
      stytchRetry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    cloud.secretsManager.registerFunction(LIVE_FUNCTION_ARN, (event, context) =>
      this.handler(event, context),
    );
  }

  static async start(options: LiveWorldOptions): Promise<LiveWorld> {
    const cloud = await startLocalCloud({
      rotation: { maxAttempts: options.maxAttempts ?? 3, timeoutMs: 20_000 },
    });
    const project = seedStytchProject(cloud, LIVE_CREDENTIALS_PARAMETER);
    const sm = localSecretsManagerClient(cloud);
    const env = {
      STYTCH_CREDENTIALS_PARAMETER: LIVE_CREDENTIALS_PARAMETER,
      STYTCH_API_BASE_URL: cloud.stytch.url,
      STYTCH_COMPLETION_DELAY_SECONDS: String(options.completionDelaySeconds),
      STYTCH_MANAGED_TAG: `${LIVE_TAG.key}=${LIVE_TAG.value}`,
      STYTCH_RECONCILE_CALLS_PER_SECOND: '1000',
      STYTCH_LEASE_TABLE: cloud.leaseTable,
    };
    const world = new LiveWorld(cloud, sm, project.projectId, env);
    world.knownSecrets.push(project.secret);
    return world;
  }

  /** What the operator CLI needs to reach this world, as environment variables. */
  get cliEnv(): Record<string, string> {
    return {
      ...this.cloud.awsEnv,
      STYTCH_CREDENTIALS_PARAMETER: LIVE_CREDENTIALS_PARAMETER,
      STYTCH_API_BASE_URL: this.cloud.stytch.url,
      STYTCH_COMPLETION_DELAY_SECONDS: this.functionEnv.STYTCH_COMPLETION_DELAY_SECONDS ?? '0',
      STYTCH_LEASE_TABLE: this.cloud.leaseTable,
    };
  }

  /** A Stytch client and its managed secret `{client_id}` with rotation configured. */
  async addClient(kind: 'connected_app' | 'm2m'): Promise<LiveClient> {
    const { clientId, clientSecret } = this.cloud.stytch.createClient(this.projectId, { kind });
    this.knownSecrets.push(clientSecret);
    const name = `stytch/live/${clientId}`;
    const secretArn = await createManagedSecret(this.sm, {
      name,
      value: JSON.stringify({ client_id: clientId }),
      tag: LIVE_TAG,
      rotationFunctionArn: LIVE_FUNCTION_ARN,
    });
    return { clientId, secretArn, name };
  }

  /** RotateSecret, then waits for the rotation's end. */
  async rotate(secretArn: string): Promise<RotationOutcome> {
    const out = await this.sm.send(new RotateSecretCommand({ SecretId: secretArn }));
    const outcome = await this.cloud.secretsManager.waitForRotation(secretArn, out.VersionId);
    this.collectSecrets(secretArn);
    return outcome;
  }

  /** One scheduled reconcile pass; its attention error (if any) is returned, anything else thrown. */
  async reconcile(): Promise<ReconcileAttentionError | undefined> {
    try {
      await this.handler(SCHEDULED_EVENT, LAMBDA_CONTEXT);
      return undefined;
    } catch (error) {
      if (error instanceof ReconcileAttentionError) return error;
      throw error;
    }
  }

  /** Version id, stages and client secret of every version. Never log it. */
  versions(secretArn: string) {
    this.collectSecrets(secretArn);
    return this.cloud.secretsManager.inspect(secretArn).versions.map((v) => ({
      versionId: v.versionId,
      stages: [...v.stages],
      secret: v.value === undefined ? undefined : (JSON.parse(v.value).client_secret as string),
    }));
  }

  /** The client secret of the version carrying `stage`. */
  secretAt(secretArn: string, stage: string): string | undefined {
    return this.versions(secretArn).find((v) => v.stages.includes(stage))?.secret;
  }

  /** True when AWSPENDING sits on a version other than AWSCURRENT. */
  hasPendingRotation(secretArn: string): boolean {
    return this.versions(secretArn).some(
      (v) => v.stages.includes('AWSPENDING') && !v.stages.includes('AWSCURRENT'),
    );
  }

  async close(): Promise<void> {
    this.sm.destroy();
    await this.cloud.close();
  }

  private collectSecrets(secretArn: string): void {
    for (const version of this.cloud.secretsManager.inspect(secretArn).versions) {
      const secret = version.value && (JSON.parse(version.value).client_secret as unknown);
      if (typeof secret === 'string' && !this.knownSecrets.includes(secret)) {
        this.knownSecrets.push(secret);
      }
    }
  }
}
