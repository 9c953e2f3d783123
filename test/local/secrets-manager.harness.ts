import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll } from 'vitest';
import {
  type LocalRotationEvent,
  type LocalSecretsManager,
  type RotationInvoker,
  type SecretsManagerOptions,
  startSecretsManager,
} from '../../local/secrets-manager/index.ts';

/** A local Secrets Manager and a real SDK client reaching it only through the environment. */
export interface Harness {
  readonly sm: LocalSecretsManager;
  readonly client: SecretsManagerClient;
  close(): Promise<void>;
}

export const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:stytch-rotation';

export async function startHarness(options: SecretsManagerOptions = {}): Promise<Harness> {
  const sm = await startSecretsManager(options);
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = sm.url;
  // No endpoint option: the SDK must find the emulator through AWS_ENDPOINT_URL_SECRETS_MANAGER.
  const client = new SecretsManagerClient({});
  return {
    sm,
    client,
    close: async () => {
      client.destroy();
      await sm.close();
    },
  };
}

/** A harness shared by one test file, plus hanging steps to release before it closes. */
export interface FileHarness extends Harness {
  /** Calls `release` before the harness closes, so a step left waiting does not block close. */
  releaseAtEnd(release: () => void): void;
}

/**
 * Starts a harness before the file's tests and closes it after them. `sm` and `client` are
 * readable from the first `beforeAll` on; a later `beforeAll` in the file may use them.
 */
export function useHarness(options: SecretsManagerOptions = {}): FileHarness {
  let started: Harness | undefined;
  const releases: Array<() => void> = [];
  const current = (): Harness => {
    if (!started) throw new Error('the harness starts in beforeAll; use it inside hooks and tests');
    return started;
  };
  beforeAll(async () => {
    started = await startHarness(options);
  });
  afterAll(async () => {
    for (const release of releases) release();
    await started?.close();
  });
  return {
    get sm() {
      return current().sm;
    },
    get client() {
      return current().client;
    },
    close: () => current().close(),
    releaseAtEnd: (release) => {
      releases.push(release);
    },
  };
}

/** A fresh ClientRequestToken (a UUID, 36 characters, as the SDK generates). */
export const newToken = (): string => randomUUID();

/** The error a rejected promise settles with, or a failure if it resolves. */
export async function errorOf(promise: Promise<unknown>): Promise<Error & { $fault?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

type StepHook = (event: LocalRotationEvent) => unknown;

/**
 * A rotation function shaped like AWS's template (entry guards, then the step), writing a fake
 * value derived from the token. `hooks[step]` runs first and may throw or hang to simulate faults.
 */
export function templateRotation(
  client: SecretsManagerClient,
  hooks: Partial<Record<LocalRotationEvent['Step'], StepHook>> = {},
): RotationInvoker {
  return async (event) => {
    await hooks[event.Step]?.(event);
    const { SecretId, ClientRequestToken: token } = event;
    const metadata = await client.send(new DescribeSecretCommand({ SecretId }));
    if (!metadata.RotationEnabled) throw new Error('rotation is not enabled');
    const stages = metadata.VersionIdsToStages?.[token];
    if (!stages) throw new Error(`version ${token} has no stage`);
    if (stages.includes('AWSCURRENT')) return;
    if (!stages.includes('AWSPENDING')) throw new Error(`version ${token} is not AWSPENDING`);
    switch (event.Step) {
      case 'createSecret':
        return createPending(client, event);
      case 'setSecret':
      case 'testSecret':
        await client.send(
          new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: 'AWSPENDING' }),
        );
        return;
      case 'finishSecret': {
        const current = Object.entries(metadata.VersionIdsToStages ?? {}).find(([, s]) =>
          s.includes('AWSCURRENT'),
        )?.[0];
        await client.send(
          new UpdateSecretVersionStageCommand({
            SecretId,
            VersionStage: 'AWSCURRENT',
            MoveToVersionId: token,
            RemoveFromVersionId: current,
          }),
        );
      }
    }
  };
}

async function createPending(client: SecretsManagerClient, event: LocalRotationEvent) {
  const { SecretId, ClientRequestToken: token, RotationToken } = event;
  try {
    await client.send(
      new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: 'AWSPENDING' }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    await client.send(
      new PutSecretValueCommand({
        SecretId,
        ClientRequestToken: token,
        SecretString: rotatedValue(token),
        VersionStages: ['AWSPENDING'],
        RotationToken,
      }),
    );
  }
}

/** The fake value the template rotation writes for `token`. */
export const rotatedValue = (token: string): string =>
  JSON.stringify({ client_id: 'm2m-client-test', client_secret: `fake-${token.slice(0, 8)}` });

/** A promise that never settles until `release()` is called. */
export function gate(): { wait: () => Promise<void>; release: () => void } {
  let release: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { wait: () => opened, release: () => release() };
}

let secretCounter = 0;

/** A new secret with a current value, and a rotation function ARN of its own. */
export async function rotatableSecret(
  h: Harness,
): Promise<{ name: string; arn: string; fn: string }> {
  secretCounter += 1;
  const name = `rotation/secret-${secretCounter}`;
  const created = await h.client.send(
    new CreateSecretCommand({ Name: name, SecretString: 'original' }),
  );
  const fn = `arn:aws:lambda:us-east-1:000000000000:function:rotate-${secretCounter}`;
  return { name, arn: created.ARN as string, fn };
}

/** RotateSecret with `fn`, a 30-day schedule and an explicit token. */
export function rotateWith(h: Harness, name: string, fn: string, token = newToken()) {
  return h.client.send(
    new RotateSecretCommand({
      SecretId: name,
      ClientRequestToken: token,
      RotationLambdaARN: fn,
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  );
}

/** The invocations for a secret as `attempt:step:ok|ErrorName`. */
export const stepsOf = (h: Harness, arn: string): string[] =>
  h.sm.invocations
    .filter((i) => i.secretArn === arn)
    .map((i) => `${i.attempt}:${i.step}:${i.ok ? 'ok' : i.errorName}`);

/** The rotation event types recorded for a secret, oldest first. */
export const eventsOf = (h: Harness, arn: string): string[] =>
  h.sm.events.filter((e) => e.secretArn === arn).map((e) => e.type);

let versionedCounter = 0;

/** A new secret with one AWSCURRENT version (value `value-1`); its name and that version's id. */
export async function secretWithCurrent(h: Harness): Promise<{ name: string; first: string }> {
  versionedCounter += 1;
  const name = `versions/secret-${versionedCounter}`;
  const first = newToken();
  await h.client.send(
    new CreateSecretCommand({ Name: name, SecretString: 'value-1', ClientRequestToken: first }),
  );
  return { name, first };
}

/** PutSecretValue of `value` as version `token`, with `stages` when given (else AWSCURRENT). */
export function putVersion(
  h: Harness,
  name: string,
  token: string,
  value: string,
  stages?: string[],
) {
  return h.client.send(
    new PutSecretValueCommand({
      SecretId: name,
      ClientRequestToken: token,
      SecretString: value,
      ...(stages && { VersionStages: stages }),
    }),
  );
}

/** DescribeSecret's VersionIdsToStages. */
export async function stagesOf(h: Harness, name: string): Promise<Record<string, string[]>> {
  const described = await h.client.send(new DescribeSecretCommand({ SecretId: name }));
  return described.VersionIdsToStages ?? {};
}

/** The rotation helpers bound to one harness. */
export function rotationHelpers(h: Harness) {
  return {
    rotatable: () => rotatableSecret(h),
    rotate: (name: string, fn: string, token?: string) => rotateWith(h, name, fn, token),
    stepsOf: (arn: string) => stepsOf(h, arn),
    eventsOf: (arn: string) => eventsOf(h, arn),
  };
}

/** The version helpers bound to one harness. */
export function versionHelpers(h: Harness) {
  return {
    secretWithCurrent: () => secretWithCurrent(h),
    stagesOf: (name: string) => stagesOf(h, name),
    putVersion: (name: string, token: string, value: string, stages?: string[]) =>
      putVersion(h, name, token, value, stages),
  };
}
