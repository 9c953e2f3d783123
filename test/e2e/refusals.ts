/**
 * What every bad-input test checks after sending its input straight to the handler: the typed
 * error, no secret quoted in it, no mutating call at Stytch or Secrets Manager, and the secret's
 * versions and Stytch's state as they were.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Handler } from '../../lambda/rotation/handler.ts';
import type { LocalRotationEvent } from '../../local/secrets-manager/index.ts';
import {
  LAMBDA_CONTEXT,
  type ManagedClient,
  MUTATING_STYTCH_OPERATION,
  RotationWorld,
} from './rotation-world.ts';

/** Secrets Manager calls that change a secret's versions or stages. */
const MUTATING_STORE_OPERATION = /^(PutSecretValue|UpdateSecretVersionStage|CreateSecret)$/;

/** The error a refusal must raise: its `name`, stable `code`, and any other fields to match. */
export interface ExpectedError {
  readonly name: string;
  readonly code: string;
  readonly [field: string]: unknown;
}

/** What a refusal must leave untouched. */
export interface Watched {
  readonly secretArn: string;
  /** The Stytch client whose state must not change, when the secret names one. */
  readonly clientId?: string;
}

/** A world with a client rotated once and a genuine createSecret event of its next rotation. */
export interface RefusalFixture {
  readonly world: RotationWorld;
  readonly client: ManagedClient;
  /** Recorded from a rotation Secrets Manager started: AWSPENDING sits on its empty version. */
  readonly event: LocalRotationEvent;
}

export async function startRefusalFixture(): Promise<RefusalFixture> {
  const world = await RotationWorld.start({ completionDelaySeconds: 0 });
  const client = await world.addClient('connected_app', { owner: 'payments' });
  expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
  const event = await world.recordRotationEvent(client.secretArn);
  return { world, client, event };
}

/**
 * Starts a refusal fixture before the file's tests and hands it to `started`; after each test checks
 * that no secret was logged, and after them all closes the world.
 */
export function useRefusalFixture(started: (fixture: RefusalFixture) => void): void {
  let world: RotationWorld | undefined;
  beforeAll(async () => {
    const fixture = await startRefusalFixture();
    world = fixture.world;
    started(fixture);
  });
  afterEach(() => {
    world?.expectNoSecretsLogged();
  });
  afterAll(async () => {
    await world?.close();
  });
}

/** Every version of a secret as stored (values unparsed: some are deliberately not JSON). */
function storedVersions(world: RotationWorld, secretArn: string): string {
  const versions = world.cloud.secretsManager.inspect(secretArn).versions.map((version) => ({
    versionId: version.versionId,
    stages: [...version.stages].sort(),
    value: version.value,
  }));
  return JSON.stringify(versions);
}

/**
 * Invokes `handler` with `invocation` and checks the refusal. A failed step may tag the secret with
 * its last error: tags are not versions, so they may change.
 * @returns the error, for checks of its message
 */
export async function expectRefused(
  world: RotationWorld,
  handler: Handler,
  invocation: unknown,
  expected: ExpectedError,
  watched: Watched,
): Promise<Error> {
  const stytchMark = world.cloud.stytch.requestLog.length;
  const storeMark = world.cloud.secretsManager.requestLog.length;
  const versionsBefore = storedVersions(world, watched.secretArn);
  const { clientId } = watched;
  const stytchBefore = clientId && world.cloud.stytch.clientState(clientId);
  const logMark = world.log.lines.length;

  const error = await handler(invocation, LAMBDA_CONTEXT).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );

  expect(error, 'the handler refused the input').toBeInstanceOf(Error);
  expect(error).toMatchObject(expected);
  const logged = world.log.lines
    .slice(logMark)
    .some(
      (line) =>
        line.level === 'error' &&
        (line.attributes.error as { code?: unknown } | undefined)?.code === expected.code,
    );
  expect(logged, `a structured error line with code ${expected.code}`).toBe(true);
  const message = (error as Error).message;
  const leaked = world.knownSecrets.filter((secret) => message.includes(secret)).length;
  expect(leaked, 'secrets quoted in the error message').toBe(0);
  const stytchMutations = world.cloud.stytch.requestLog
    .slice(stytchMark)
    .filter((entry) => MUTATING_STYTCH_OPERATION.test(entry.operation));
  expect(stytchMutations).toEqual([]);
  const storeMutations = world.cloud.secretsManager.requestLog
    .slice(storeMark)
    .filter((entry) => MUTATING_STORE_OPERATION.test(entry.operation));
  expect(storeMutations).toEqual([]);
  // Compared as a boolean: a diff would print the stored secrets.
  const unchanged = storedVersions(world, watched.secretArn) === versionsBefore;
  expect(unchanged, 'the secret’s versions are unchanged').toBe(true);
  if (clientId) expect(world.cloud.stytch.clientState(clientId)).toEqual(stytchBefore);
  return error as Error;
}
