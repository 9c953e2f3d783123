/**
 * The two parts of undici the function uses, `Agent` and `request`, imported from undici's internal
 * files rather than its index. The index also loads fetch, WebSocket, EventSource, the mocks, caches
 * and interceptors: about half of the bundle and most of its import time, none of it used here.
 * undici has no `exports` map, so these paths resolve; package-lock.json pins undici, so they only
 * move when we upgrade it, and test/unit/stytch/http.test.ts (a real Agent on a loopback server)
 * and the MockAgent client tests fail if they do. Types come from undici's index
 * (undici-internals.d.ts).
 */
import type { Dispatcher } from 'undici';
import apiRequest from 'undici/lib/api/api-request.js';
import Agent from 'undici/lib/dispatcher/agent.js';

export { Agent };

/** The options of undici's `request(url, options)` that the function uses. */
export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & {
  readonly dispatcher: Dispatcher;
};

/**
 * undici's `request(url, { dispatcher, ... })` without its index: splits the URL into origin and
 * path as undici does, then runs the request API with the dispatcher (any Dispatcher, MockAgent
 * too) as `this`, which is what `dispatcher.request(...)` does once the index is loaded.
 */
export function request(
  url: string,
  { dispatcher, ...options }: RequestOptions,
): Promise<Dispatcher.ResponseData> {
  const { origin, pathname, search } = new URL(url);
  return apiRequest.call(dispatcher, { ...options, origin, path: `${pathname}${search}` });
}
