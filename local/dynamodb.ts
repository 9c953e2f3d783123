/**
 * The local DynamoDB: dynalite (an existing in-memory DynamoDB that answers conditional writes the
 * way DynamoDB does) behind a thin front on 127.0.0.1 that gives it what every local server has, a
 * request log and fault injection, by forwarding each request unchanged. The lease table is created
 * at start, as the stack creates it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import dynalite from 'dynalite';
import { request } from 'undici';
import { HttpError, type Reply, type RunningServer, startJsonServer } from './http-server.ts';

/** The lease table's name in the local cloud. */
export const LOCAL_LEASE_TABLE = 'stytch-secret-rotation-leases';

export interface DynamoDbOptions {
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /**
   * Run dynalite in a worker thread, off the event loop of the code under test: for load runs,
   * where its CPU would otherwise slow every other local server (in AWS, DynamoDB's work is not the
   * function's). Costs a thread start per cloud. @default false
   */
  readonly ownThread?: boolean;
}

/** A running local DynamoDB with the lease table. */
export interface LocalDynamoDb extends RunningServer {
  /** The lease table's name (what `STYTCH_LEASE_TABLE` is set to). */
  readonly leaseTable: string;
}

const TARGET = /^DynamoDB_20120810\.([A-Za-z]+)$/;

export async function startDynamoDb(options: DynamoDbOptions = {}): Promise<LocalDynamoDb> {
  const backend = await (options.ownThread ? startInWorker() : startInProcess());
  const backendUrl = backend.url;
  const front = await startJsonServer({
    name: 'dynamodb',
    port: options.port,
    route: (req) => {
      const target = TARGET.exec(String(req.headers['x-amz-target'] ?? ''));
      if (req.method !== 'POST' || target?.[1] === undefined) {
        throw new HttpError(errorReply(400, 'UnknownOperationException', 'not a DynamoDB call'));
      }
      return {
        operation: target[1],
        run: async (): Promise<Reply> => {
          const answer = await request(backendUrl, {
            method: 'POST',
            headers: forwardedHeaders(req.headers),
            body: req.body,
          });
          const body = await answer.body.text();
          const headers: Record<string, string> = {};
          for (const name of ['content-type', 'x-amz-crc32', 'x-amzn-requestid']) {
            const value = answer.headers[name];
            if (typeof value === 'string') headers[name] = value;
          }
          return { status: answer.statusCode, headers, body };
        },
      };
    },
    renderError: (status) =>
      status === 429
        ? errorReply(400, 'ThrottlingException', 'Rate exceeded')
        : errorReply(status, 'InternalServerError', 'injected fault'),
  });
  try {
    await createLeaseTable(backendUrl, options.region ?? 'us-east-1');
  } catch (error) {
    await front.close();
    await backend.close();
    throw error;
  }
  return {
    ...front,
    leaseTable: LOCAL_LEASE_TABLE,
    close: async () => {
      await front.close();
      await backend.close();
    },
  };
}

interface Backend {
  readonly url: string;
  close(): Promise<void>;
}

async function startInProcess(): Promise<Backend> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startInWorker(): Promise<Backend> {
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url));
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port: number }) => resolve(message.port));
    worker.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await worker.terminate();
    },
  };
}

/**
 * CreateTable as the stack defines it, sent straight to dynalite (no SDK client: the local cloud
 * starts once per test world). dynalite checks that a request is signed, not the signature.
 */
async function createLeaseTable(backendUrl: string, region: string): Promise<void> {
  const answer = await request(backendUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.CreateTable',
      'x-amz-date': '20260101T000000Z',
      authorization:
        `AWS4-HMAC-SHA256 Credential=local/20260101/${region}/dynamodb/aws4_request, ` +
        'SignedHeaders=host;x-amz-date, Signature=0',
    },
    body: JSON.stringify({
      TableName: LOCAL_LEASE_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'client_id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'client_id', KeyType: 'HASH' }],
    }),
  });
  const body = await answer.body.text();
  if (answer.statusCode !== 200) {
    throw new Error(`the local DynamoDB refused CreateTable (${answer.statusCode}): ${body}`);
  }
}

function forwardedHeaders(headers: Readonly<Record<string, string | string[] | undefined>>) {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') continue;
    if (name === 'host' || name === 'connection' || name === 'content-length') continue;
    out[name] = value;
  }
  return out;
}

/** DynamoDB's error shape (AWS JSON 1.0). */
function errorReply(status: number, code: string, message: string): Reply {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': code },
    body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message }),
  };
}
