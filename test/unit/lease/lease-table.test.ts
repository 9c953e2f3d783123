/**
 * The lease's DynamoDB calls through the real @aws-sdk/client-dynamodb against the local DynamoDB
 * (dynalite on 127.0.0.1): acquire, release, expiry, ownership, and lost answers on both.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireLease, releaseLease } from '../../../lambda/lease/client-lease.ts';
import {
  ClientClaimedError,
  LeaseBusyError,
  LeaseUnavailableError,
} from '../../../lambda/lease/errors.ts';
import { createLeaseTable, type LeaseTable } from '../../../lambda/lease/lease-table.ts';
import { type LocalDynamoDb, startDynamoDb } from '../../../local/dynamodb.ts';
import { ManualClock } from '../../../local/manual-clock.ts';
import { RecordingLog } from '../helpers/recording-log.ts';

const SECRET_A = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:stytch/a-AbCdEf';
const SECRET_B = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:stytch/b-GhIjKl';
const TERMS_MS = 30_000;

describe('the lease table on DynamoDB', () => {
  let dynamodb: LocalDynamoDb;
  let client: DynamoDBClient;
  let table: LeaseTable;
  let clock: ManualClock;
  let log: RecordingLog;
  let clientId: string;
  let n = 0;
  const sleeps: number[] = [];

  beforeAll(async () => {
    dynamodb = await startDynamoDb();
    client = new DynamoDBClient({
      endpoint: dynamodb.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    });
    table = createLeaseTable(client, dynamodb.leaseTable);
  });

  afterAll(async () => {
    client.destroy();
    await dynamodb.close();
  });

  beforeEach(() => {
    dynamodb.faults.clear();
    dynamodb.requestLog.length = 0;
    clock = new ManualClock();
    log = new RecordingLog();
    sleeps.length = 0;
    n += 1;
    clientId = `m2m-client-test-lease-${n}`;
  });

  const deps = () => ({ table, clock, log, sleep: async (ms: number) => void sleeps.push(ms) });
  const terms = () => ({ expiresAt: clock.now().getTime() + TERMS_MS, callAllowanceMs: 5_000 });
  const acquire = (secretArn: string, actor: string) =>
    acquireLease(deps(), { clientId, secretArn, actor }, terms());

  it('takes a free client, records holder, owner and expiry, and refuses a second holder', async () => {
    // Act
    const first = await acquire(SECRET_A, 'createSecret t1');
    const second = await acquire(SECRET_A, 'reconcile abandon').catch((error: unknown) => error);

    // Assess
    expect(await table.read(clientId)).toEqual({
      clientId,
      secretArn: SECRET_A,
      holder: first.holder,
      expiresAt: clock.now().getTime() + TERMS_MS,
    });
    expect(second).toBeInstanceOf(LeaseBusyError);
    expect(second).toMatchObject({ code: 'LEASE_BUSY', retryable: true, holder: first.holder });
    expect((second as Error).message).toContain('createSecret t1');
    // One brief wait, then the refusal: never a long block, never acting without the lease.
    expect(sleeps).toEqual([250]);
  });

  it('hands the client to the next actor once the holder released it, keeping the owner', async () => {
    // Prepare
    const first = await acquire(SECRET_A, 'createSecret t1');

    // Act
    await releaseLease(deps(), first);
    const released = await table.read(clientId);
    const next = await acquire(SECRET_A, 'setSecret t1');

    // Assess
    expect(released).toEqual({ clientId, secretArn: SECRET_A });
    expect(next.holder).not.toBe(first.holder);
    expect(log.lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('lets another actor take a lease that ran out, and no earlier', async () => {
    // Prepare
    await acquire(SECRET_A, 'createSecret t1');

    // Act
    clock.advance(TERMS_MS);
    const atExpiry = await acquire(SECRET_A, 'reconcile').catch((error: unknown) => error);
    clock.advance(1);
    const after = await acquire(SECRET_A, 'reconcile');

    // Assess
    expect(atExpiry).toBeInstanceOf(LeaseBusyError);
    expect(after.clientId).toBe(clientId);
  });

  it('refuses a second secret naming the same client with CLIENT_CLAIMED, held or not', async () => {
    // Prepare
    const owner = await acquire(SECRET_A, 'createSecret t1');

    // Act
    const whileHeld = await acquire(SECRET_B, 'createSecret t2').catch((error: unknown) => error);
    await releaseLease(deps(), owner);
    clock.advance(TERMS_MS * 10);
    const afterwards = await acquire(SECRET_B, 'createSecret t2').catch((error: unknown) => error);

    // Assess
    for (const error of [whileHeld, afterwards]) {
      expect(error).toBeInstanceOf(ClientClaimedError);
      expect(error).toMatchObject({ code: 'CLIENT_CLAIMED', ownerSecretArn: SECRET_A });
      expect((error as Error).message).toContain(SECRET_A);
    }
    expect(sleeps).toEqual([]);
  });

  it('recognises its own lease when the answer to its PutItem was lost and the SDK retried', async () => {
    // Prepare: the first PutItem takes effect but its answer never arrives
    dynamodb.faults.add({ operation: 'PutItem', nth: 1, action: { kind: 'lost-response' } });

    // Act
    const lease = await acquire(SECRET_A, 'createSecret t1');

    // Assess
    expect(dynamodb.requestLog.map((e) => `${e.operation} ${e.status}`)).toEqual([
      'PutItem 0',
      'PutItem 200',
    ]);
    expect((await table.read(clientId))?.holder).toBe(lease.holder);
  });

  it('treats a lost answer to its release as released, and the client is free', async () => {
    // Prepare
    const lease = await acquire(SECRET_A, 'createSecret t1');
    dynamodb.faults.add({ operation: 'UpdateItem', nth: 1, action: { kind: 'lost-response' } });

    // Act
    await releaseLease(deps(), lease);
    const next = await acquire(SECRET_A, 'setSecret t1');

    // Assess: the SDK's retry met "not held by you", which is what a done release looks like
    expect(dynamodb.requestLog.filter((e) => e.operation === 'UpdateItem')).toHaveLength(2);
    expect(log.lines.map((line) => line.message)).toEqual([
      expect.stringContaining('was no longer held at release'),
    ]);
    expect(next.holder).not.toBe(lease.holder);
  });

  it('gives back a lease whose PutItem answer never came, before failing', async () => {
    // Prepare: every attempt takes effect and loses its answer
    dynamodb.faults.add({
      operation: 'PutItem',
      nth: 1,
      times: 3,
      action: { kind: 'lost-response' },
    });

    // Act
    const error = await acquire(SECRET_A, 'createSecret t1').catch((e: unknown) => e);

    // Assess: failed, and the client is not left blocked by a lease nobody will use
    expect(error).toBeInstanceOf(LeaseUnavailableError);
    expect((await table.read(clientId))?.holder).toBeUndefined();
  });

  it('fails safe with LEASE_UNAVAILABLE when DynamoDB is down, having taken nothing', async () => {
    // Prepare
    dynamodb.faults.add({
      operation: '*',
      nth: 1,
      times: 1_000,
      action: { kind: 'status', status: 500 },
    });

    // Act
    const error = await acquire(SECRET_A, 'createSecret t1').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(LeaseUnavailableError);
    expect(error).toMatchObject({
      code: 'LEASE_UNAVAILABLE',
      operation: 'PutItem',
      awsErrorCode: 'InternalServerError',
      retryable: true,
    });
    dynamodb.faults.clear();
    expect(await table.read(clientId)).toBeUndefined();
  });

  it('transfers a client to another secret only from its owner and while nobody holds it', async () => {
    // Prepare
    const lease = await acquire(SECRET_A, 'createSecret t1');

    // Act
    const whileHeld = await table.transfer(clientId, SECRET_A, SECRET_B, clock.now().getTime());
    await releaseLease(deps(), lease);
    const fromWrongOwner = await table.transfer(
      clientId,
      SECRET_B,
      SECRET_B,
      clock.now().getTime(),
    );
    const done = await table.transfer(clientId, SECRET_A, SECRET_B, clock.now().getTime());
    const taken = await acquire(SECRET_B, 'createSecret t2');
    const old = await acquire(SECRET_A, 'createSecret t3').catch((e: unknown) => e);

    // Assess
    expect([whileHeld, fromWrongOwner, done]).toEqual([false, false, true]);
    expect(taken.secretArn).toBe(SECRET_B);
    expect(old).toMatchObject({ code: 'CLIENT_CLAIMED', ownerSecretArn: SECRET_B });
  });
});
