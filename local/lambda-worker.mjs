// A Lambda-like runtime for one bundled handler, run by local/process-invoker.ts in a child
// process. Like Lambda's Node.js runtime it loads the module once (the init phase, so module-level
// state survives between invocations of a warm worker) and then answers one invocation per IPC
// message. Plain JavaScript on purpose: it runs under bare `node`, without a TypeScript loader.
//
// argv: <absolute bundle path> <handler export name>
// in:   { type: 'invoke', id, event, context: <serialisable context fields>, remainingMs }
// out:  { type: 'ready' } once the module is loaded (or failed to load), then per invocation
//       { type: 'result', id, ok: true, result } | { type: 'result', id, ok: false, error: { name, message } }
import { pathToFileURL } from 'node:url';

const [bundlePath, handlerExport = 'handler'] = process.argv.slice(2);

const loading = import(pathToFileURL(bundlePath).href).then(
  (module) => {
    // An ES module exports the handler by name; a CommonJS bundle may expose it only on `default`.
    const handler = module[handlerExport] ?? module.default?.[handlerExport];
    if (typeof handler !== 'function') {
      throw named('Runtime.HandlerNotFound', `${bundlePath} does not export ${handlerExport}`);
    }
    return handler;
  },
  (error) => {
    throw named('Runtime.ImportModuleError', String(error?.message ?? error));
  },
);
// Init is over either way; a failure is reported by each invocation, as Lambda reports a broken
// init. The parent starts an invocation's timeout only after this, as Lambda's init phase has its own.
loading.then(announceReady, announceReady);

function announceReady() {
  if (process.connected) process.send({ type: 'ready' });
}

process.on('message', (message) => {
  if (message?.type === 'invoke') void invoke(message);
});
// The parent is gone: nothing can ask for work any more.
process.on('disconnect', () => process.exit(0));

async function invoke({ id, event, context, remainingMs }) {
  const deadline = performance.now() + remainingMs;
  const legacy = (name) => () => {
    throw new Error(
      `context.${name}() is not supported locally: return a promise from the handler`,
    );
  };
  const lambdaContext = {
    ...context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())),
    done: legacy('done'),
    fail: legacy('fail'),
    succeed: legacy('succeed'),
  };
  let reply;
  try {
    const handler = await loading;
    const result = await handler(event, lambdaContext);
    // Lambda returns the result as JSON; anything JSON cannot carry is lost here too.
    const json = JSON.stringify(result);
    reply = { type: 'result', id, ok: true, result: json === undefined ? null : JSON.parse(json) };
  } catch (error) {
    reply = {
      type: 'result',
      id,
      ok: false,
      error: { name: String(error?.name ?? 'Error'), message: String(error?.message ?? error) },
    };
  }
  if (process.connected) process.send(reply);
}

function named(name, message) {
  const error = new Error(message);
  error.name = name;
  return error;
}
