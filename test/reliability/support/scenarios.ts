/**
 * The starting states the crash matrix explores, and the clean run that fixes its rows: every
 * external call a fault-free rotation makes, each mapped to the server operation it reaches.
 */
import type { ManagedClient } from '../../e2e/rotation-world.ts';
import { currentAuthenticates, leakViolations, settledViolations } from './invariants.ts';
import { type BrokenVariant, ReliabilityWorld, type ServerName } from './reliability-world.ts';

export interface Scenario {
  readonly name: string;
  readonly completionDelaySeconds: number;
  /** Successful rotations before the one under test. */
  readonly priorRotations: number;
  /** The clock passes the completion delay after the prior rotations, so their overlap is due. */
  readonly overlapDue?: boolean;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'the bootstrap rotation', completionDelaySeconds: 0, priorRotations: 0 },
  { name: 'a normal rotation', completionDelaySeconds: 0, priorRotations: 1 },
  // A rotation that meets the previous overlap once it is due completes it itself and goes on; one
  // that meets it before it is due is deferred (test/e2e/overlap-open.test.ts explores that one).
  {
    name: 'a rotation that meets a due overlap',
    completionDelaySeconds: 3600,
    priorRotations: 1,
    overlapDue: true,
  },
];

/** One row of the matrix: the k-th call of the clean run and what it reached. */
export interface CallPoint {
  /** 1-based position in the rotation's sequence of calls. */
  readonly index: number;
  /** `ssm.getParameter`, `store.putPending`, `stytch.rotateStart`, … */
  readonly name: string;
  readonly server: ServerName;
  /** The operation in the server's request log, e.g. `PutSecretValue`, `connected_apps.rotate`. */
  readonly operation: string;
}

export interface Prepared {
  readonly world: ReliabilityWorld;
  readonly client: ManagedClient;
}

/**
 * A fresh world in the scenario's state, the next invocation cold: rotations are days apart, so a
 * rotation starts in a new container and its sequence begins with the credentials read.
 */
export async function prepare(scenario: Scenario, variant?: BrokenVariant): Promise<Prepared> {
  const world = await ReliabilityWorld.start({
    completionDelaySeconds: scenario.completionDelaySeconds,
    maxAttempts: 3,
    ...(variant ? { variant } : {}),
  });
  const client = await world.addClient('connected_app', { note: 'kept' });
  for (let i = 0; i < scenario.priorRotations; i++) {
    const prior = await world.rotate(client.secretArn);
    if (prior.outcome !== 'succeeded') {
      await world.close();
      throw new Error(`${scenario.name}: prior rotation ${i + 1} ended ${prior.outcome}`);
    }
  }
  if (scenario.overlapDue) world.base.clock.advance(scenario.completionDelaySeconds * 1000);
  world.coldStart();
  return { world, client };
}

/** The clean run: its calls, mapped to servers, and any violation it shows by itself. */
export interface CleanRun {
  readonly points: readonly CallPoint[];
  readonly violations: readonly string[];
}

const SERVERS: readonly ServerName[] = ['ssm', 'store', 'stytch', 'lease'];

export async function recordCleanRun(
  scenario: Scenario,
  variant?: BrokenVariant,
): Promise<CleanRun> {
  const { world, client } = await prepare(scenario, variant);
  try {
    const points: CallPoint[] = [];
    const violations = new Set<string>();
    const logLengths = () => SERVERS.map((name) => world.server(name).requestLog.length);
    let before = logLengths();
    world.tracer.reset();
    world.tracer.onBefore = () => {
      before = logLengths();
    };
    world.tracer.onAfter = (call) => {
      const reached = SERVERS.flatMap((name, i) =>
        world
          .server(name)
          .requestLog.slice(before[i])
          .map((entry) => ({ server: name, operation: entry.operation })),
      );
      const only = reached[0];
      if (reached.length !== 1 || only === undefined || !call.name.startsWith(`${only.server}.`)) {
        violations.add(
          `harness: clean call ${call.index} (${call.name}) made ${reached.length} requests`,
        );
      } else {
        points.push({ index: call.index, name: call.name, ...only });
      }
      if (!currentAuthenticates(world, client)) {
        violations.add(
          `1: AWSCURRENT stopped authenticating after call ${call.index} ${call.name}`,
        );
      }
    };
    const previous = world.currentSecret(client);
    const outcome = await world.rotate(client.secretArn);
    if (outcome.outcome !== 'succeeded' || world.currentSecret(client) === previous) {
      violations.add(`3: the clean rotation ended ${outcome.outcome} without rotating`);
    }
    const settled = settledViolations(world, client, scenario.completionDelaySeconds);
    const leaks = leakViolations(world, [client]);
    return { points, violations: [...violations, ...settled, ...leaks] };
  } finally {
    await world.close();
  }
}
