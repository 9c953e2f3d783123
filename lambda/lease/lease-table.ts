/**
 * The DynamoDB calls of the per-client lease, one named method each, so the log, the test double and
 * the fault hooks attach in one place. Validity is decided by the conditions here, on `expires_at`;
 * DynamoDB's TTL (attribute `ttl`) only tidies up items nobody has touched for years.
 *
 * One item per Stytch client (partition key `client_id`):
 * `{client_id, secret_arn, holder?, expires_at?, ttl}`. `secret_arn` is the secret that owns the
 * client: it stays when the lease is released, so a second secret naming the client is refused
 * (see {@link LeaseTable.tryAcquire}) until an operator transfers the client.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { LeaseUnavailableError } from './errors.ts';

/** A client's item as stored. */
export interface LeaseRecord {
  readonly clientId: string;
  /** The secret that owns the client. */
  readonly secretArn: string;
  /** Who holds the lease now; absent when it is free. */
  readonly holder?: string;
  /** When the holder's lease runs out, epoch ms; absent when it is free. */
  readonly expiresAt?: number;
}

/** A lease to take: who, for which secret, until when. */
export interface LeaseClaim {
  readonly clientId: string;
  readonly secretArn: string;
  /** Unique per acquisition: a retried call recognises its own lease by it. */
  readonly holder: string;
  readonly expiresAt: number;
}

export interface LeaseTable {
  /**
   * PutItem, taking the lease if the client is unowned, or owned by `claim.secretArn` and free,
   * expired (by `now`) or already held by `claim.holder` (a retried call after a lost answer).
   * @returns false when the condition refused it (someone else holds or owns it)
   */
  tryAcquire(claim: LeaseClaim, now: number): Promise<boolean>;
  /** GetItem, strongly consistent: who owns and holds the client now. */
  read(clientId: string): Promise<LeaseRecord | undefined>;
  /**
   * UpdateItem removing the holder and expiry, if `holder` still holds it; the owner stays.
   * @returns false when `holder` no longer held it (already released, or expired and taken over)
   */
  release(clientId: string, holder: string): Promise<boolean>;
  /**
   * PutItem making `toSecretArn` the owner of the client, if `fromSecretArn` owns it (or nobody
   * does) and no unexpired lease is held.
   * @returns false when the condition refused it
   */
  transfer(
    clientId: string,
    fromSecretArn: string | undefined,
    toSecretArn: string,
    now: number,
  ): Promise<boolean>;
}

/**
 * How long an owner's item outlives its last lease before TTL removes it: longer than the longest
 * rotation schedule Secrets Manager allows (1000 days), so an active client never loses its owner.
 */
export const OWNERSHIP_RETENTION_DAYS = 1100;
const DAY_S = 86_400;

const FREE_OR_OURS =
  'attribute_not_exists(client_id) OR (secret_arn = :arn AND ' +
  '(attribute_not_exists(holder) OR expires_at < :now OR holder = :holder))';
const OWNED_AND_FREE = 'secret_arn = :from AND (attribute_not_exists(holder) OR expires_at < :now)';

export function createLeaseTable(client: DynamoDBClient, tableName: string): LeaseTable {
  const call = async <T>(operation: string, clientId: string, run: () => Promise<T>) => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false as T;
      throw unavailable(operation, clientId, tableName, error);
    }
  };
  const ttlOf = (epochMs: number) =>
    String(Math.ceil(epochMs / 1000) + OWNERSHIP_RETENTION_DAYS * DAY_S);

  return {
    tryAcquire: (claim, now) =>
      call('PutItem', claim.clientId, async () => {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              client_id: { S: claim.clientId },
              secret_arn: { S: claim.secretArn },
              holder: { S: claim.holder },
              expires_at: { N: String(claim.expiresAt) },
              ttl: { N: ttlOf(claim.expiresAt) },
            },
            ConditionExpression: FREE_OR_OURS,
            ExpressionAttributeValues: {
              ':arn': { S: claim.secretArn },
              ':now': { N: String(now) },
              ':holder': { S: claim.holder },
            },
          }),
        );
        return true;
      }),

    read: (clientId) =>
      call('GetItem', clientId, async () => {
        const out = await client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: { client_id: { S: clientId } },
            ConsistentRead: true,
          }),
        );
        const item = out.Item;
        if (item === undefined) return undefined;
        const expiresAt = item.expires_at?.N === undefined ? undefined : Number(item.expires_at.N);
        return {
          clientId,
          secretArn: item.secret_arn?.S ?? '',
          ...(item.holder?.S === undefined ? {} : { holder: item.holder.S }),
          ...(expiresAt === undefined ? {} : { expiresAt }),
        };
      }),

    release: (clientId, holder) =>
      call('UpdateItem', clientId, async () => {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { client_id: { S: clientId } },
            UpdateExpression: 'REMOVE holder, expires_at',
            ConditionExpression: 'holder = :holder',
            ExpressionAttributeValues: { ':holder': { S: holder } },
          }),
        );
        return true;
      }),

    transfer: (clientId, fromSecretArn, toSecretArn, now) =>
      call('PutItem', clientId, async () => {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              client_id: { S: clientId },
              secret_arn: { S: toSecretArn },
              ttl: { N: ttlOf(now) },
            },
            ConditionExpression:
              fromSecretArn === undefined ? 'attribute_not_exists(client_id)' : OWNED_AND_FREE,
            ...(fromSecretArn === undefined
              ? {}
              : {
                  ExpressionAttributeValues: {
                    ':from': { S: fromSecretArn },
                    ':now': { N: String(now) },
                  },
                }),
          }),
        );
        return true;
      }),
  };
}

/** A DynamoDB failure after the SDK's own retries; keeps only the error's name and message. */
function unavailable(
  operation: string,
  clientId: string,
  tableName: string,
  error: unknown,
): LeaseUnavailableError {
  const awsErrorCode = error instanceof Error ? error.name : undefined;
  const fault = (error as { $fault?: unknown } | undefined)?.$fault;
  const retryable =
    fault === 'server' ||
    awsErrorCode === 'ThrottlingException' ||
    awsErrorCode === 'ProvisionedThroughputExceededException' ||
    awsErrorCode === 'TimeoutError';
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
  const hint =
    awsErrorCode === 'AccessDeniedException'
      ? `grant the role dynamodb:${operation} on the table ${tableName}`
      : awsErrorCode === 'ResourceNotFoundException'
        ? `create the table ${tableName} or fix STYTCH_LEASE_TABLE`
        : 'nothing was done; the next attempt tries again';
  const sanitized = new Error(error instanceof Error ? error.message : String(error));
  sanitized.name = awsErrorCode ?? 'Error';
  return new LeaseUnavailableError(
    { clientId, operation, awsErrorCode, retryable },
    `the lease table ${tableName} refused DynamoDB ${operation} for client ${clientId} (${detail}); ${hint}`,
    { cause: sanitized },
  );
}
