/**
 * The function rotates only its own stack's secrets. A secret without this stack's managed tag
 * value, one whose client-id tag names another client than its value, and one with no room for the
 * tags a rotation writes are refused with a typed error before any Stytch call, and nothing changes.
 */
import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID_TAG } from '../../lambda/reconcile/tags.ts';
import { expectRefused } from './refusals.ts';
import { MANAGED_TAG, type ManagedClient, RotationWorld } from './rotation-world.ts';

describe('secrets the function refuses', () => {
  let world: RotationWorld;

  beforeAll(async () => {
    world = await RotationWorld.start({ completionDelaySeconds: 3600 });
  });

  afterAll(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  /** A managed client, rotated once, with `tags` changed, and the event of its next rotation. */
  async function prepared(change: {
    readonly set?: Record<string, string>;
    readonly remove?: readonly string[];
  }) {
    const client: ManagedClient = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(3600 * 1000);
    const event = await world.recordRotationEvent(client.secretArn);
    if (change.set) {
      const Tags = Object.entries(change.set).map(([Key, Value]) => ({ Key, Value }));
      await world.sm.send(new TagResourceCommand({ SecretId: client.secretArn, Tags }));
    }
    if (change.remove) {
      await world.sm.send(
        new UntagResourceCommand({ SecretId: client.secretArn, TagKeys: [...change.remove] }),
      );
    }
    return { client, event };
  }

  async function expectRefusedBeforeStytch(
    client: ManagedClient,
    event: object,
    code: string,
    handler = world.handler,
  ): Promise<Error> {
    const stytchMark = world.cloud.stytch.requestLog.length;
    const error = await expectRefused(
      world,
      handler,
      { ...event, Step: 'createSecret' },
      { name: code === 'TAG_LIMIT' ? 'TagLimitError' : 'SecretNotManagedError', code },
      { secretArn: client.secretArn, clientId: client.clientId },
    );
    expect(world.cloud.stytch.requestLog.slice(stytchMark), 'Stytch requests').toEqual([]);
    return error;
  }

  it('refuses a secret without the managed tag', async () => {
    const { client, event } = await prepared({ remove: [MANAGED_TAG.key] });
    const error = await expectRefusedBeforeStytch(client, event, 'SECRET_NOT_MANAGED');
    expect(error.message).toContain('is missing');
  });

  it('refuses a secret tagged by another stack (another managed tag value)', async () => {
    const { client, event } = await prepared({ set: { [MANAGED_TAG.key]: 'another-stack' } });
    const error = await expectRefusedBeforeStytch(client, event, 'SECRET_NOT_MANAGED');
    expect(error.message).toContain('"another-stack"');
  });

  it('refuses every secret when the function has no STYTCH_MANAGED_TAG', async () => {
    const { client, event } = await prepared({});
    const handler = world.newHandler({ STYTCH_MANAGED_TAG: undefined });
    const error = await expectRefusedBeforeStytch(client, event, 'SECRET_NOT_MANAGED', handler);
    expect(error.message).toContain('STYTCH_MANAGED_TAG is not set');
  });

  it('refuses a secret whose client-id tag names another client than its value', async () => {
    const other = world.cloud.stytch.createClient(world.projectId, { kind: 'm2m' });
    world.knownSecrets.push(other.clientSecret);
    const { client, event } = await prepared({ set: { [CLIENT_ID_TAG]: other.clientId } });
    const error = await expectRefusedBeforeStytch(client, event, 'CLIENT_ID_MISMATCH');
    expect(error.message).toContain(other.clientId);
    // Neither client changed at Stytch.
    expect(world.cloud.stytch.clientState(other.clientId).nextLastFour).toBeNull();
  });

  it('refuses, in createSecret, a secret with no room left for the overlap tag (50 tags)', async () => {
    const { client, event } = await prepared({});
    const present = Object.keys(world.cloud.secretsManager.inspect(client.secretArn).tags).length;
    const filler = Array.from({ length: 50 - present }, (_, i) => ({
      Key: `team:filler-${i}`,
      Value: 'x',
    }));
    await world.sm.send(new TagResourceCommand({ SecretId: client.secretArn, Tags: filler }));
    // The local Secrets Manager enforces AWS's quota of 50 tags, as AWS does.
    await expect(
      world.sm.send(
        new TagResourceCommand({
          SecretId: client.secretArn,
          Tags: [{ Key: 'stytch-secret-rotation:deferred', Value: 'x' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'LimitExceededException' });

    const error = await expectRefusedBeforeStytch(client, event, 'TAG_LIMIT');
    expect(error.message).toContain('remove an unused tag');
  });
});
