// dynalite on 127.0.0.1 in a worker thread of its own (see local/dynamodb.ts, `ownThread`): posts
// its port once listening, and stops when the parent terminates the thread.
import { parentPort } from 'node:worker_threads';
import dynalite from 'dynalite';

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => parentPort?.postMessage({ port: server.address().port }));
