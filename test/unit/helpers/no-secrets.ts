import { expect } from 'vitest';

/**
 * Fails when any of `secrets` occurs in `text`. The assertion message names the index of the secret,
 * never the secret itself, so a failing test does not print it either.
 */
export function expectNoSecrets(text: string, secrets: readonly string[]): void {
  const leaked = secrets.map((secret, index) => (text.includes(secret) ? index : -1));
  expect(
    leaked.filter((index) => index >= 0),
    'indexes of secrets found in the text',
  ).toEqual([]);
}

/** Everything an error shows: message, own fields, stack and the chain of causes. */
export function describeErrorFully(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(String(current.stack), current.message, JSON.stringify({ ...current }));
      current = current.cause;
    } else {
      parts.push(JSON.stringify(current) ?? String(current));
      current = undefined;
    }
  }
  return parts.join('\n');
}
