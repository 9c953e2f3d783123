/**
 * The lease table's part of a pair's starting state. The table lives in the local DynamoDB, which
 * the Secrets Manager restore does not touch: an item a schedule left behind (a holder whose
 * release was lost, an owner `secret_arn` written by a second secret) would otherwise meet the next
 * schedule. Every item is kept at save and the table is made exactly that again at restore, with the
 * times in an item (`expires_at`, `ttl`) moved like every other date of the restored state.
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

/** Every item of the lease table, in scan order. */
export async function saveLeaseItems(dynamodb: DynamoDBClient, table: string): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/** Makes the table hold exactly `saved`, its times moved by `shiftMs`. */
export async function restoreLeaseItems(
  dynamodb: DynamoDBClient,
  table: string,
  saved: readonly Item[],
  shiftMs: number,
): Promise<void> {
  for (const item of await saveLeaseItems(dynamodb, table)) {
    const clientId = item.client_id;
    if (clientId === undefined) throw new Error('harness: a lease item has no client_id');
    await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { client_id: clientId } }));
  }
  for (const item of saved) {
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: shiftedItem(item, shiftMs) }));
  }
}

/** `expires_at` is epoch ms, `ttl` epoch seconds (see lambda/lease/lease-table.ts). */
function shiftedItem(item: Item, shiftMs: number): Item {
  const shifted: Item = { ...item };
  const expiresAt = item.expires_at?.N;
  if (expiresAt !== undefined) shifted.expires_at = { N: String(Number(expiresAt) + shiftMs) };
  const ttl = item.ttl?.N;
  if (ttl !== undefined) shifted.ttl = { N: String(Number(ttl) + Math.round(shiftMs / 1_000)) };
  return shifted;
}
