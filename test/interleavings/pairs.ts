/**
 * The pairs of actors the explorer interleaves, each with the starting state it meets. Every
 * starting state is produced by the function itself (whole rotations through Secrets Manager, or
 * steps invoked one by one), never written by hand, so it is what the code under test leaves.
 */
import { randomUUID } from 'node:crypto';
import type { RotationStep } from '../../lambda/rotation/event.ts';
import type { LocalRotationEvent } from '../../local/secrets-manager/index.ts';
import type { ManagedClient } from '../e2e/rotation-world.ts';
import { storedVersions } from './interleaving-invariants.ts';
import type { InterleavingLane } from './interleaving-lane.ts';
import type { ActorIndex, ActorResult } from './schedule-runner.ts';

/** What a schedule starts from and what the checks judge it by. */
export interface PairStart {
  /** The client whose promises are checked, with its (first) managed secret. */
  readonly client: ManagedClient;
  /** Secrets whose stored versions count as held by the store (the first secret only, for two). */
  readonly holders: readonly string[];
  /** Every secret the schedule created, deleted when it ends. */
  readonly secrets: readonly string[];
  /** Rotations Secrets Manager has in flight, filled in as actors start them. */
  readonly rotations: LocalRotationEvent[];
  /** Checks of this pair besides the common ones, run once settled. */
  readonly extraChecks?: () => string[];
}

export interface Pair {
  /** Short id, used to replay a schedule (`INTERLEAVING_REPLAY=<id>:...`). */
  readonly id: string;
  readonly title: string;
  readonly completionDelaySeconds: number;
  /** What actors A and B do. */
  readonly actorNames: readonly [string, string];
  /** The actor whose overlap completion is the operator's explicit command, if any. */
  readonly emergencyActor?: ActorIndex;
  setup(lane: InterleavingLane): Promise<PairStart>;
  actors(
    lane: InterleavingLane,
    start: PairStart,
  ): readonly [() => Promise<string>, () => Promise<string>];
  /** The rotations Secrets Manager goes on with (runs its steps again) once the actors are done. */
  retried(start: PairStart, results: readonly ActorResult[]): LocalRotationEvent[];
}

const HOUR = 3_600_000;

/** A managed secret after one whole rotation. */
async function rotatedOnce(lane: InterleavingLane): Promise<ManagedClient> {
  const client = await lane.addClient({ note: 'kept' });
  const outcome = await lane.rotate(client.secretArn);
  if (outcome.outcome !== 'succeeded') {
    throw new Error(`harness: the seeding rotation ended ${outcome.outcome}`);
  }
  return client;
}

/** A rotation started and run through `steps`, ungated; fails the seeding if a step fails. */
async function rotationUpTo(
  lane: InterleavingLane,
  secretArn: string,
  steps: readonly RotationStep[],
): Promise<LocalRotationEvent> {
  const event = await lane.startRotation(secretArn);
  for (const step of steps) {
    const error = await lane.runStep(event, step);
    if (error !== undefined) throw new Error(`harness: seeding ${step} failed`);
  }
  return event;
}

const step =
  (lane: InterleavingLane, actor: ActorIndex, event: LocalRotationEvent, name: RotationStep) =>
  async () => {
    await lane.step(actor, event, name);
    return `${name} succeeded`;
  };

const reconcile = (lane: InterleavingLane, actor: ActorIndex) => async () => {
  await lane.reconcilePass(actor);
  return 'reconcile pass succeeded';
};

const single = (client: ManagedClient, rotations: LocalRotationEvent[]): PairStart => ({
  client,
  holders: [client.secretArn],
  secrets: [client.secretArn],
  rotations,
});

/** Secrets Manager retries a rotation whose step failed in either actor. */
const retriedIfFailed = (start: PairStart, results: readonly ActorResult[]) =>
  results.some((result) => !result.ok) ? start.rotations : [];

export const PAIRS: readonly Pair[] = [
  {
    id: 'same-step',
    title: 'the same step twice (createSecret, same token)',
    completionDelaySeconds: 3600,
    actorNames: ['createSecret', 'createSecret again'],
    async setup(lane) {
      // A due overlap: createSecret may complete it, so both runs meet "already rotating".
      const client = await rotatedOnce(lane);
      lane.world.clock.advance(2 * HOUR);
      return single(client, [await lane.startRotation(client.secretArn)]);
    },
    actors(lane, start) {
      const [event] = start.rotations as [LocalRotationEvent];
      return [step(lane, 0, event, 'createSecret'), step(lane, 1, event, 'createSecret')];
    },
    retried: (start) => start.rotations,
  },
  {
    id: 'create-reconcile',
    title: 'createSecret x the reconcile',
    completionDelaySeconds: 3600,
    actorNames: ['RotateSecret, createSecret', 'reconcile pass'],
    async setup(lane) {
      // A due overlap: the reconcile completes it, and so does the new rotation's createSecret.
      const client = await rotatedOnce(lane);
      lane.world.clock.advance(2 * HOUR);
      return single(client, []);
    },
    actors(lane, start) {
      return [
        async () => {
          const event = await lane.serviceRotate(0, start.client.secretArn, (started) =>
            start.rotations.push(started),
          );
          await lane.step(0, event, 'createSecret');
          return 'createSecret succeeded';
        },
        reconcile(lane, 1),
      ];
    },
    retried: (start) => start.rotations,
  },
  {
    id: 'finish-abandon',
    title: "finishSecret x the reconcile's abandon",
    completionDelaySeconds: 0,
    actorNames: ['finishSecret', 'reconcile pass (abandons)'],
    async setup(lane) {
      // A rotation past testSecret, older than the stuck age: the reconcile abandons it.
      const client = await rotatedOnce(lane);
      const event = await rotationUpTo(lane, client.secretArn, [
        'createSecret',
        'setSecret',
        'testSecret',
      ]);
      lane.world.clock.advance(25 * HOUR);
      return single(client, [event]);
    },
    actors(lane, start) {
      const [event] = start.rotations as [LocalRotationEvent];
      return [step(lane, 0, event, 'finishSecret'), reconcile(lane, 1)];
    },
    retried: retriedIfFailed,
  },
  {
    id: 'finish-cancel',
    title: 'finishSecret x CLI cancel',
    completionDelaySeconds: 3600,
    actorNames: ['finishSecret', 'cli cancel --yes'],
    async setup(lane) {
      const client = await rotatedOnce(lane);
      lane.world.clock.advance(2 * HOUR);
      const event = await rotationUpTo(lane, client.secretArn, [
        'createSecret',
        'setSecret',
        'testSecret',
      ]);
      return single(client, [event]);
    },
    actors(lane, start) {
      const [event] = start.rotations as [LocalRotationEvent];
      return [
        step(lane, 0, event, 'finishSecret'),
        () => lane.cli(1, 'cancel', start.client.secretArn),
      ];
    },
    retried: retriedIfFailed,
  },
  {
    id: 'reconcile-complete',
    title: 'the reconcile x CLI complete',
    completionDelaySeconds: 3600,
    actorNames: ['reconcile pass', 'cli complete'],
    emergencyActor: 1,
    async setup(lane) {
      // A due overlap: both actors complete it.
      const client = await rotatedOnce(lane);
      lane.world.clock.advance(2 * HOUR);
      return single(client, []);
    },
    actors(lane, start) {
      return [reconcile(lane, 0), () => lane.cli(1, 'complete', start.client.secretArn)];
    },
    retried: () => [],
  },
  {
    id: 'step-person',
    title: "finishSecret x a person's PutSecretValue",
    completionDelaySeconds: 3600,
    actorNames: ['finishSecret again', 'person: PutSecretValue'],
    async setup(lane) {
      // Right after a rotation, overlap open: Secrets Manager runs finishSecret again (a retry
      // after a lost answer) while a person stores an edited value.
      const client = await rotatedOnce(lane);
      const versions = lane.world.cloud.secretsManager.inspect(client.secretArn).versions;
      const current = versions.find((v) => v.stages.includes('AWSCURRENT'));
      if (current?.value === undefined) throw new Error('harness: no AWSCURRENT value');
      const event: LocalRotationEvent = {
        Step: 'finishSecret',
        SecretId: client.secretArn,
        ClientRequestToken: current.versionId,
        RotationToken: current.rotationToken ?? randomUUID(),
      };
      const edited = JSON.stringify({ ...JSON.parse(current.value), note: 'edited' });
      return {
        ...single(client, [event]),
        edited,
        extraChecks: () => editKept(lane, client.secretArn),
      } as PairStart;
    },
    actors(lane, start) {
      const [event] = start.rotations as [LocalRotationEvent];
      const edited = (start as PairStart & { edited: string }).edited;
      return [
        step(lane, 0, event, 'finishSecret'),
        async () => {
          await lane.personPut(1, start.client.secretArn, edited);
          return 'PutSecretValue succeeded';
        },
      ];
    },
    retried: (start, results) => (results[0]?.ok ? [] : start.rotations),
  },
  {
    id: 'two-secrets',
    title: 'two secrets naming one client',
    completionDelaySeconds: 3600,
    actorNames: ['createSecret of secret 1', 'createSecret of secret 2'],
    async setup(lane) {
      const client = await rotatedOnce(lane);
      lane.world.clock.advance(2 * HOUR);
      const second = await lane.world.addRawSecret(
        `second-${randomUUID()}`,
        JSON.stringify({ client_id: client.clientId }),
      );
      await lane.tagClientId(second, client.clientId);
      const first = await lane.startRotation(client.secretArn);
      const other = await lane.startRotation(second);
      return {
        client,
        holders: [client.secretArn],
        secrets: [client.secretArn, second],
        rotations: [first, other],
      };
    },
    actors(lane, start) {
      const [first, other] = start.rotations as [LocalRotationEvent, LocalRotationEvent];
      return [step(lane, 0, first, 'createSecret'), step(lane, 1, other, 'createSecret')];
    },
    retried: (start) => start.rotations,
  },
];

/** A person's edit, once stored, is never overwritten: AWSCURRENT keeps its added key. */
function editKept(lane: InterleavingLane, secretArn: string): string[] {
  const versions = storedVersions(lane, secretArn);
  const editStored = versions.some((v) => v.value?.note === 'edited');
  const current = versions.find((v) => v.stages.includes('AWSCURRENT'));
  return editStored && current?.value?.note !== 'edited'
    ? ["a person's edit was overwritten: AWSCURRENT lost the added key"]
    : [];
}
