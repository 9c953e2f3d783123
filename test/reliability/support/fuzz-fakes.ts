/**
 * In-memory stand-ins for the two surfaces a rotation step touches, so thousands of fuzzed secret
 * values can run through the real guards and createSecret in milliseconds. They implement the same
 * interfaces the container wires in, keep just enough state to tell "nothing changed" from "a
 * rotation was left open", and enforce Secrets Manager's one limit that a value can break (65,536
 * bytes per SecretString).
 */
import { loadConfig } from '../../../lambda/config.ts';
import { SecretStoreError } from '../../../lambda/errors.ts';
import { ProbeCalibration } from '../../../lambda/rotation/probe-calibration.ts';
import type { StepDeps } from '../../../lambda/rotation/step-context.ts';
import { AWSCURRENT, AWSPENDING, type SecretStore } from '../../../lambda/secrets/store.ts';
import type { StytchClient, StytchClientState } from '../../../lambda/stytch/client.ts';
import { findClientKind } from '../../../lambda/stytch/kinds.ts';
import { MemoryLeaseTable } from '../../unit/helpers/memory-lease-table.ts';
import { RecordingLog } from '../../unit/helpers/recording-log.ts';

export const FAKE_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:fuzzed-AbCdEf';
export const CURRENT_VERSION = '11111111-1111-4111-8111-111111111111';
export const PENDING_TOKEN = '22222222-2222-4222-8222-222222222222';
const MAX_SECRET_BYTES = 65_536;

/** The managed tag the fake secret carries and the fake function's configuration names. */
export const FUZZ_MANAGED_TAG = { key: 'stytch-secret-rotation', value: 'fuzz' } as const;

/** A store holding one secret whose AWSCURRENT value is `current`, and an empty AWSPENDING. */
export interface FakeStore extends SecretStore {
  /** The value written to the pending version, if any. */
  readonly pendingValue: () => string | undefined;
  /** Every tag written, e.g. the last-error tag. */
  readonly tagsWritten: Array<Readonly<Record<string, string>>>;
  /** Label moves (promote, removePending): none may happen in createSecret. */
  readonly labelMoves: string[];
}

export function fakeStore(current: string | undefined): FakeStore {
  let pending: string | undefined;
  const tagsWritten: Array<Readonly<Record<string, string>>> = [];
  const labelMoves: string[] = [];
  return {
    pendingValue: () => pending,
    tagsWritten,
    labelMoves,
    describe: async () => ({
      arn: FAKE_ARN,
      name: 'fuzzed',
      rotationEnabled: true,
      versionStages: { [CURRENT_VERSION]: [AWSCURRENT], [PENDING_TOKEN]: [AWSPENDING] },
      lastRotatedDate: undefined,
      tags: { [FUZZ_MANAGED_TAG.key]: FUZZ_MANAGED_TAG.value },
    }),
    readValue: async (_secretId, selector) => {
      if (selector.versionId === PENDING_TOKEN) return pending;
      return selector.stage === AWSCURRENT ? current : undefined;
    },
    putPending: async (secretId, token, value) => {
      if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
        const limit = new Error('Member must have length less than or equal to 65536');
        limit.name = 'ValidationException';
        throw SecretStoreError.from('PutSecretValue', secretId, limit);
      }
      if (token === PENDING_TOKEN) pending = value;
    },
    promote: async () => {
      labelMoves.push('promote');
    },
    removePending: async () => {
      labelMoves.push('removePending');
    },
    listTagged: async function* () {},
    listVersions: async () => [],
    tag: async (_secretId, tags) => {
      tagsWritten.push(tags);
    },
    untag: async () => {},
    startRotation: async () => {},
  };
}

/** A Stytch client with one client's rotation state: whether a next secret is open. */
export interface FakeStytch extends StytchClient {
  readonly calls: string[];
  /** True while a rotation started here is neither completed nor cancelled. */
  readonly rotationOpen: () => boolean;
}

export function fakeStytch(nextSecret: string): FakeStytch {
  const calls: string[] = [];
  let open = false;
  const state = (clientId: string): StytchClientState => ({
    clientId,
    kind: findClientKind(clientId) ?? 'connected_app',
    clientSecretLastFour: 'cur4',
    nextClientSecretLastFour: open ? nextSecret.slice(-4) : null,
    status: 'active',
    clientType: undefined,
    requestId: 'request-id-test-fake',
  });
  return {
    calls,
    rotationOpen: () => open,
    getClient: async (clientId) => {
      calls.push('getClient');
      return state(clientId);
    },
    rotateStart: async (clientId) => {
      calls.push('rotateStart');
      open = true;
      const started = state(clientId);
      Object.defineProperty(started, 'nextClientSecret', { value: nextSecret, enumerable: false });
      return started as StytchClientState & { nextClientSecret: string };
    },
    rotate: async (clientId) => {
      calls.push('rotate');
      open = false;
      return state(clientId);
    },
    rotateCancel: async (clientId) => {
      calls.push('rotateCancel');
      open = false;
      return state(clientId);
    },
    requestToken: async () => {
      calls.push('requestToken');
      return { status: 200, accessTokenIssued: true };
    },
  };
}

/** Step collaborators over the fakes, with a recording log. */
export function fakeStepDeps(store: SecretStore, stytch: StytchClient) {
  const log = new RecordingLog();
  const deps: StepDeps = {
    store,
    stytch,
    config: loadConfig({
      STYTCH_CREDENTIALS_PARAMETER: '/fuzz/credentials',
      STYTCH_MANAGED_TAG: `${FUZZ_MANAGED_TAG.key}=${FUZZ_MANAGED_TAG.value}`,
      STYTCH_LEASE_TABLE: 'fuzz-leases',
    }),
    clock: { now: () => new Date('2026-01-01T00:00:00Z') },
    log,
    probe: new ProbeCalibration(),
  };
  const lease = {
    table: new MemoryLeaseTable(),
    terms: { expiresAt: deps.clock.now().getTime() + 60_000, callAllowanceMs: 5_000 },
  };
  return { deps, log, lease };
}
