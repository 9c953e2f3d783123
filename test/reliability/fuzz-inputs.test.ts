/**
 * Bad input, fuzzed in-process: the invocation event (through the real handler, its AWS clients and
 * Stytch connection replaced by recorders that make nothing happen), the secret value (through the
 * real guards and createSecret over in-memory stand-ins of the store and Stytch) and the credentials
 * parameter; the environment is in fuzz-configuration.test.ts. Every case must end in a typed error
 * or a correct result, change nothing when it is refused, and never show a planted secret. See
 * support/fuzz-settings.ts for why fast-check and how to replay a seed.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import fc from 'fast-check';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../lambda/clock.ts';
import {
  CredentialsError,
  EventError,
  RotationStateError,
  SecretStoreError,
  SecretValueError,
} from '../../lambda/errors.ts';
import { createHandler } from '../../lambda/rotation/handler.ts';
import { runRotationStep } from '../../lambda/rotation/run-step.ts';
import { createCredentialsSource } from '../../lambda/stytch/credentials.ts';
import { RecordingLog } from '../unit/helpers/recording-log.ts';
import {
  credentialsParameter,
  isUsableCredentials,
  isUsableSecretValue,
  secretValue,
} from './support/arbitraries.ts';
import { expectedEventKind, invocationEvent } from './support/event-arbitrary.ts';
import {
  FAKE_ARN,
  fakeStepDeps,
  fakeStore,
  fakeStytch,
  PENDING_TOKEN,
} from './support/fuzz-fakes.ts';
import { FUZZ_RUNS, fuzzParameters } from './support/fuzz-settings.ts';
import { errorText, PLANTED, plantedIn } from './support/planted.ts';

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );

/** An AWS SDK client that records each command and answers every one with ParameterNotFound. */
function recordingAwsClient(commands: string[]) {
  return {
    send: async (command: object) => {
      commands.push(command.constructor.name);
      throw Object.assign(new Error('Parameter /fuzz/credentials not found.'), {
        name: 'ParameterNotFound',
      });
    },
    destroy: () => {},
  };
}

describe('fuzzed invocation events', () => {
  it('end in a typed error or a correct result, and a malformed one makes no call', async () => {
    await fc.assert(
      fc.asyncProperty(invocationEvent, async (event) => {
        // Prepare
        const commands: string[] = [];
        const aws = recordingAwsClient(commands);
        const dispatcher = new MockAgent();
        dispatcher.disableNetConnect();
        const log = new RecordingLog();
        const handler = createHandler({
          env: {
            STYTCH_CREDENTIALS_PARAMETER: '/fuzz/credentials',
            STYTCH_LEASE_TABLE: 'fuzz-leases',
          },
          log,
          secretsManager: aws as unknown as SecretsManagerClient,
          ssm: aws as unknown as SSMClient,
          dynamodb: aws as unknown as DynamoDBClient,
          dispatcher,
          metrics: { addMetric: () => {}, publishStoredMetrics: () => {} },
        });

        // Act
        const { error } = await settle(handler(event, { getRemainingTimeInMillis: () => 30_000 }));

        // Assess
        const expected = expectedEventKind(event);
        if (expected === 'invalid') {
          expect(error).toBeInstanceOf(EventError);
          expect(commands).toEqual([]);
        } else if (expected === 'rotation') {
          // A good event goes on to read the credentials, which the recorder refuses.
          expect(error).toBeInstanceOf(CredentialsError);
          expect(error).toMatchObject({
            code: 'CREDENTIALS_UNAVAILABLE',
            awsErrorCode: 'ParameterNotFound',
          });
          expect(commands).toEqual(['GetParameterCommand']);
        } else {
          // The reconcile without STYTCH_MANAGED_TAG has nothing to list.
          expect(error).toBeUndefined();
          expect(commands).toEqual([]);
        }
        expect(plantedIn([errorText(error), log.text()])).toEqual([]);
        await dispatcher.close();
      }),
      fuzzParameters(FUZZ_RUNS.event),
    );
  });
});

describe('fuzzed secret values', () => {
  it('become a pending version that keeps every key, or a typed error with nothing changed', async () => {
    await fc.assert(
      fc.asyncProperty(secretValue, async (raw) => {
        // Prepare
        const store = fakeStore(raw);
        const stytch = fakeStytch(PLANTED.nextClientSecret);
        const { deps, log, lease } = fakeStepDeps(store, stytch);
        const event = { step: 'createSecret', secretId: FAKE_ARN, token: PENDING_TOKEN } as const;

        // Act
        const { error } = await settle(
          runRotationStep(deps, { ...event, rotationToken: undefined }, Date.now() + 60_000, lease),
        );

        // Assess
        const usable = isUsableSecretValue(raw);
        const rotated = usable
          ? { ...JSON.parse(raw ?? '{}'), client_secret: PLANTED.nextClientSecret }
          : {};
        const fits = Buffer.byteLength(JSON.stringify(rotated)) <= 65_536;
        if (usable && fits) {
          expect(error).toBeUndefined();
          expect(JSON.parse(store.pendingValue() ?? 'null')).toEqual(rotated);
          expect(stytch.calls).toEqual(['rotateStart']);
        } else {
          // No SecretString (a binary secret) reads as a version without a value.
          const refusal =
            raw === undefined ? RotationStateError : usable ? SecretStoreError : SecretValueError;
          expect(error).toBeInstanceOf(refusal);
          expect(store.pendingValue()).toBeUndefined();
          // Refused before Stytch, or the secret Stytch issued was cancelled again.
          expect(stytch.calls).toEqual(usable ? ['rotateStart', 'rotateCancel'] : []);
          expect(stytch.rotationOpen()).toBe(false);
        }
        expect(store.labelMoves).toEqual([]);
        const tags = JSON.stringify(store.tagsWritten);
        expect(plantedIn([errorText(error), log.text(), tags])).toEqual([]);
      }),
      fuzzParameters(FUZZ_RUNS.secretValue),
    );
  });
});

describe('fuzzed credentials parameters', () => {
  it('yield the project credentials only from a well-formed SecureString, else a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(credentialsParameter, async ({ value, type }) => {
        // Prepare
        const ssm = { send: async () => ({ Parameter: { Value: value, Type: type } }) };
        const source = createCredentialsSource({
          ssm: ssm as unknown as SSMClient,
          parameterName: '/fuzz/credentials',
          cacheSeconds: 0,
          clock: systemClock,
        });

        // Act
        const { value: credentials, error } = await settle(source.get());

        // Assess
        if (isUsableCredentials(value, type)) {
          const stored = JSON.parse(value ?? '{}') as { project_id: string; secret: string };
          expect(credentials?.projectId).toBe(stored.project_id);
          expect(credentials?.secret).toBe(stored.secret);
          // The secret is readable by name only: spreading or serializing never carries it.
          expect(Object.keys(credentials ?? {})).toEqual(['projectId']);
        } else {
          expect(error).toBeInstanceOf(CredentialsError);
          expect(error).toMatchObject({ code: 'CREDENTIALS_INVALID' });
        }
        expect(plantedIn([errorText(error)])).toEqual([]);
      }),
      fuzzParameters(FUZZ_RUNS.credentials),
    );
  });
});
