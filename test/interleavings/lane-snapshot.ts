/**
 * A pair's starting state, kept once and put back before every schedule: the pair's managed secrets
 * (through the local Secrets Manager's save and restore) and its Stytch client's record. The clock
 * only moves forward, so every date in the restored state (versions, tags holding a time such as
 * the overlap mark, Stytch's rotation start) moves by the time since the state was saved: the
 * state looks as recent as when it was saved.
 */
import type { Clock } from '../../lambda/clock.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import type { SavedSecret } from '../../local/secrets-manager/index.ts';
import type { ClientRecord } from '../../local/stytch/state.ts';

/** The state {@link saveState} keeps. */
export interface SavedState {
  readonly at: number;
  readonly secrets: readonly SavedSecret[];
  readonly clients: readonly ClientRecord[];
}

export function saveState(
  cloud: LocalCloud,
  clock: Clock,
  secretArns: readonly string[],
  clientIds: readonly string[],
): SavedState {
  return {
    at: clock.now().getTime(),
    secrets: secretArns.map((arn) => cloud.secretsManager.saveSecret(arn)),
    clients: clientIds.map((id) => {
      const record = cloud.stytch.state.clients.get(id);
      if (record === undefined) throw new Error(`harness: no Stytch client ${id}`);
      return { ...record };
    }),
  };
}

/** Puts `saved` back, its dates moved to now; empties the servers' request logs. */
export function restoreState(cloud: LocalCloud, clock: Clock, saved: SavedState): void {
  const shiftMs = clock.now().getTime() - saved.at;
  for (const secret of saved.secrets) {
    const tags = Object.fromEntries(
      Object.entries(secret.tags).map(([key, value]) => [key, shiftTagDate(value, shiftMs)]),
    );
    cloud.secretsManager.restoreSecret({ ...secret, tags }, shiftMs);
  }
  for (const client of saved.clients) {
    const record = cloud.stytch.state.clients.get(client.clientId);
    if (record === undefined) throw new Error(`harness: no Stytch client ${client.clientId}`);
    const started = client.rotationStartedAt;
    Object.assign(record, {
      ...client,
      rotationStartedAt: started && new Date(started.getTime() + shiftMs),
    });
  }
  // A long exploration would otherwise grow them without bound; nothing here reads them.
  for (const server of [cloud.secretsManager, cloud.ssm, cloud.stytch]) {
    server.requestLog.length = 0;
  }
}

/** `<anything>@<ISO time>` (the overlap mark, a deferral) with the time moved by `shiftMs`. */
function shiftTagDate(value: string, shiftMs: number): string {
  const match = /^(.*)@(\d{4}-\d{2}-\d{2}T[\d:.]+Z)$/.exec(value);
  if (match === null) return value;
  const moved = new Date(new Date(match[2] ?? '').getTime() + shiftMs);
  return `${match[1]}@${moved.toISOString()}`;
}
