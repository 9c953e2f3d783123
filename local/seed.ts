/**
 * Seeding the local cloud the way a deployment would find it: a Stytch project's credentials in SSM,
 * and managed secrets whose rotation is configured but not yet started. Shared by the test worlds,
 * the benchmark and the sandbox.
 */
import {
  CreateSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CLIENT_ID_TAG } from '../lambda/reconcile/tags.ts';
import type { LocalCloud } from './cloud.ts';

/** A Stytch project's id and secret: what the function authenticates to Stytch with. */
export interface StytchProjectCredentials {
  readonly projectId: string;
  readonly secret: string;
}

/** A managed secret to create, as the rotation function expects to find it. */
export interface ManagedSecretSpec {
  /** The secret's name. */
  readonly name: string;
  /** The SecretString, as stored (usually JSON with at least `client_id`). */
  readonly value: string;
  /** The tag that marks the secret as managed (the function's `STYTCH_MANAGED_TAG`). */
  readonly tag: { readonly key: string; readonly value: string };
  /** The rotation function Secrets Manager invokes for this secret. */
  readonly rotationFunctionArn: string;
  /**
   * The `stytch-secret-rotation:client-id` tag, as the stack writes it. @default - the value's
   * `client_id` when the value is JSON with one; none otherwise (`null` writes none either way)
   */
  readonly clientIdTag?: string | null;
}

/** The client id a managed secret's value names, when it is JSON with a string `client_id`. */
function clientIdOf(value: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    const id = (parsed as { client_id?: unknown } | null)?.client_id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Endpoint, region and placeholder credentials for an AWS SDK client of the local cloud (its
 * servers accept any signature). Spread it and add client options such as `maxAttempts`.
 */
export function localAwsClientConfig(cloud: LocalCloud, endpoint: string) {
  return {
    endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

/** A Secrets Manager client of the local cloud, for the harness's own calls; destroy it when done. */
export function localSecretsManagerClient(cloud: LocalCloud): SecretsManagerClient {
  return new SecretsManagerClient(localAwsClientConfig(cloud, cloud.secretsManager.url));
}

/**
 * Stores a Stytch project's credentials in the local SSM at `parameterName`, as the SecureString
 * `{"project_id","secret"}` the function reads.
 */
export function putStytchCredentials(
  cloud: LocalCloud,
  parameterName: string,
  credentials: StytchProjectCredentials,
): void {
  cloud.ssm.putParameter({
    name: parameterName,
    type: 'SecureString',
    value: JSON.stringify({ project_id: credentials.projectId, secret: credentials.secret }),
  });
}

/**
 * Creates a project in the local Stytch and stores its credentials at `credentialsParameter` (see
 * {@link putStytchCredentials}). Returns the project's id and secret.
 */
export function seedStytchProject(
  cloud: LocalCloud,
  credentialsParameter: string,
): StytchProjectCredentials {
  const project = cloud.stytch.createProject();
  putStytchCredentials(cloud, credentialsParameter, project);
  return project;
}

/**
 * Creates a managed secret (CreateSecret with the managed tag and, as the stack does, the client-id
 * tag), then configures its rotation every 30 days without starting one (RotateSecret with
 * `RotateImmediately: false`). Returns its ARN.
 */
export async function createManagedSecret(
  sm: SecretsManagerClient,
  spec: ManagedSecretSpec,
): Promise<string> {
  const clientId = spec.clientIdTag === undefined ? clientIdOf(spec.value) : spec.clientIdTag;
  const created = await sm.send(
    new CreateSecretCommand({
      Name: spec.name,
      SecretString: spec.value,
      Tags: [
        { Key: spec.tag.key, Value: spec.tag.value },
        ...(clientId ? [{ Key: CLIENT_ID_TAG, Value: clientId }] : []),
      ],
    }),
  );
  const arn = created.ARN;
  if (arn === undefined) throw new Error(`CreateSecret returned no ARN for ${spec.name}`);
  await sm.send(
    new RotateSecretCommand({
      SecretId: arn,
      RotationLambdaARN: spec.rotationFunctionArn,
      RotationRules: { AutomaticallyAfterDays: 30 },
      RotateImmediately: false,
    }),
  );
  return arn;
}
