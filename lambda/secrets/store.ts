/**
 * The Secrets Manager calls the rotation needs, and nothing more. Each call is one named method so the
 * log, the retry and the test double attach in one place. The SDK retries throttling and server faults
 * itself; what still fails here becomes a SecretStoreError that names the call and the secret.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  type SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { SecretStoreError, SecretValueError } from '../errors.ts';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';

/** What the rotation reads of a secret's metadata. */
export interface SecretMetadata {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  /** Version id to its staging labels. */
  readonly versionStages: Readonly<Record<string, readonly string[]>>;
  /** When the last rotation succeeded, as Secrets Manager recorded it. */
  readonly lastRotatedDate: Date | undefined;
  /** When Secrets Manager plans the next scheduled rotation (the operator CLI shows it). */
  readonly nextRotationDate?: Date | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

/** One labelled version of a secret, as ListSecretVersionIds reports it. */
export interface VersionInfo {
  readonly versionId: string;
  readonly stages: readonly string[];
  /** When the version was created; the reconcile measures a pending rotation's age by it. */
  readonly createdDate: Date | undefined;
}

/** Which version of a secret to read. */
export interface VersionSelector {
  readonly versionId?: string;
  readonly stage?: string;
}

export interface SecretStore {
  describe(secretId: string): Promise<SecretMetadata>;
  /** The value of one version, or `undefined` when that version has no value (yet). */
  readValue(secretId: string, selector: VersionSelector): Promise<string | undefined>;
  /** Stores `value` as version `token` labelled AWSPENDING; a repeat with the same value is a no-op. */
  putPending(secretId: string, token: string, value: string, rotationToken?: string): Promise<void>;
  /** Moves AWSCURRENT to `token`; AWSPREVIOUS follows on the old current version. */
  promote(secretId: string, token: string, currentVersionId: string): Promise<void>;
  /** Removes AWSPENDING from a version, abandoning the rotation that put it there. */
  removePending(secretId: string, versionId: string): Promise<void>;
  /**
   * Every secret that carries the tag `key` = `value` (any value when `value` is omitted), page by
   * page. ListSecrets' tag filters are prefix matches, so only exact matches are yielded.
   */
  listTagged(key: string, value?: string): AsyncGenerator<SecretMetadata>;
  /** The versions that carry a staging label, with their creation dates. */
  listVersions(secretId: string): Promise<VersionInfo[]>;
  /** Sets tags on the secret (used to record the outcome of the last rotation). */
  tag(secretId: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Removes tags from the secret; a key it does not carry is ignored. */
  untag(secretId: string, keys: readonly string[]): Promise<void>;
  /**
   * Starts a rotation now with the secret's configured function (RotateSecret, RotateImmediately).
   * With `clientRequestToken` the call is idempotent: the same token again starts nothing new.
   */
  startRotation(secretId: string, clientRequestToken?: string): Promise<void>;
}

/** The version id that holds `stage`, if any. */
export function versionWithStage(metadata: SecretMetadata, stage: string): string | undefined {
  return Object.entries(metadata.versionStages).find(([, stages]) => stages.includes(stage))?.[0];
}

export function createSecretStore(client: SecretsManagerClient): SecretStore {
  const call = async <T>(operation: string, secretId: string, run: () => Promise<T>) => {
    try {
      return await run();
    } catch (error) {
      throw SecretStoreError.from(operation, secretId, error);
    }
  };

  return {
    describe: (secretId) =>
      call('DescribeSecret', secretId, async () => {
        const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
        return toMetadata({ ...out, SecretVersionsToStages: out.VersionIdsToStages });
      }),

    readValue: (secretId, selector) =>
      call('GetSecretValue', secretId, async () => {
        try {
          const out = await client.send(
            new GetSecretValueCommand({
              SecretId: secretId,
              VersionId: selector.versionId,
              VersionStage: selector.stage,
            }),
          );
          if (out.SecretString === undefined && out.SecretBinary !== undefined) {
            throw new SecretValueError(
              `version ${out.VersionId} of ${secretId} holds a binary value; store the secret ` +
                'as a JSON string such as {"client_id": "…"}',
            );
          }
          return out.SecretString;
        } catch (error) {
          // AWS answers ResourceNotFoundException both for an unknown secret and for a version that
          // has no value yet; the caller has just described the secret, so it means the latter.
          if (error instanceof ResourceNotFoundException) return undefined;
          throw error;
        }
      }),

    putPending: (secretId, token, value, rotationToken) =>
      call('PutSecretValue', secretId, async () => {
        await client.send(
          new PutSecretValueCommand({
            SecretId: secretId,
            ClientRequestToken: token,
            SecretString: value,
            VersionStages: [AWSPENDING],
            RotationToken: rotationToken,
          }),
        );
      }),

    promote: (secretId, token, currentVersionId) =>
      call('UpdateSecretVersionStage', secretId, async () => {
        await client.send(
          new UpdateSecretVersionStageCommand({
            SecretId: secretId,
            VersionStage: AWSCURRENT,
            MoveToVersionId: token,
            RemoveFromVersionId: currentVersionId,
          }),
        );
      }),

    removePending: (secretId, versionId) =>
      call('UpdateSecretVersionStage', secretId, async () => {
        await client.send(
          new UpdateSecretVersionStageCommand({
            SecretId: secretId,
            VersionStage: AWSPENDING,
            RemoveFromVersionId: versionId,
          }),
        );
      }),

    async *listTagged(key, value) {
      let nextToken: string | undefined;
      do {
        const page = await call('ListSecrets', `tag ${key}=${value ?? '*'}`, () =>
          client.send(
            new ListSecretsCommand({
              Filters: [
                { Key: 'tag-key', Values: [key] },
                ...(value === undefined ? [] : [{ Key: 'tag-value' as const, Values: [value] }]),
              ],
              MaxResults: 100,
              NextToken: nextToken,
            }),
          ),
        );
        for (const entry of page.SecretList ?? []) {
          // The filters are prefix matches on key and value independently; keep exact pairs only.
          const metadata = toMetadata(entry);
          const tagged = value === undefined ? key in metadata.tags : metadata.tags[key] === value;
          if (tagged) yield metadata;
        }
        nextToken = page.NextToken;
      } while (nextToken);
    },

    listVersions: (secretId) =>
      call('ListSecretVersionIds', secretId, async () => {
        const versions: VersionInfo[] = [];
        let nextToken: string | undefined;
        do {
          const page = await client.send(
            new ListSecretVersionIdsCommand({
              SecretId: secretId,
              MaxResults: 100,
              NextToken: nextToken,
            }),
          );
          for (const v of page.Versions ?? []) {
            if (v.VersionId === undefined) continue;
            versions.push({
              versionId: v.VersionId,
              stages: v.VersionStages ?? [],
              createdDate: v.CreatedDate,
            });
          }
          nextToken = page.NextToken;
        } while (nextToken);
        return versions;
      }),

    tag: (secretId, tags) =>
      call('TagResource', secretId, async () => {
        await client.send(
          new TagResourceCommand({
            SecretId: secretId,
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
      }),

    untag: (secretId, keys) =>
      call('UntagResource', secretId, async () => {
        await client.send(new UntagResourceCommand({ SecretId: secretId, TagKeys: [...keys] }));
      }),

    startRotation: (secretId, clientRequestToken) =>
      call('RotateSecret', secretId, async () => {
        await client.send(
          new RotateSecretCommand({
            SecretId: secretId,
            ClientRequestToken: clientRequestToken,
            RotateImmediately: true,
          }),
        );
      }),
  };
}

interface MetadataShape {
  ARN?: string;
  Name?: string;
  RotationEnabled?: boolean;
  SecretVersionsToStages?: Record<string, string[]>;
  LastRotatedDate?: Date;
  NextRotationDate?: Date;
  Tags?: { Key?: string; Value?: string }[];
}

function toMetadata(out: MetadataShape): SecretMetadata {
  return {
    arn: out.ARN ?? '',
    name: out.Name ?? '',
    rotationEnabled: out.RotationEnabled === true,
    versionStages: out.SecretVersionsToStages ?? {},
    lastRotatedDate: out.LastRotatedDate,
    nextRotationDate: out.NextRotationDate,
    tags: Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}
