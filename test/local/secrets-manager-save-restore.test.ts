/**
 * The local Secrets Manager's save and restore, which the interleaving explorer uses to start every
 * schedule of a pair from one state: the restored secret is the saved one, whatever happened in
 * between, with its dates moved forward by the given shift.
 */
import { PutSecretValueCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { newToken, useHarness, versionHelpers } from './secrets-manager.harness.ts';

const h = useHarness({ rotation: { maxAttempts: 1 } });
const { secretWithCurrent, stagesOf, putVersion } = versionHelpers(h);

describe('saveSecret and restoreSecret', () => {
  it('puts back the saved versions, labels and tags after later changes', async () => {
    // Prepare
    const { name, first } = await secretWithCurrent();
    await h.client.send(
      new TagResourceCommand({
        SecretId: name,
        Tags: [{ Key: 'mark', Value: 'v@2026-01-01T00:00:00.000Z' }],
      }),
    );
    const saved = h.sm.saveSecret(name);
    const before = h.sm.inspect(name);
    await putVersion(name, newToken(), 'changed');
    await h.client.send(
      new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'mark', Value: 'other' }] }),
    );

    // Act
    h.sm.restoreSecret(saved);

    // Assess
    expect(await stagesOf(name)).toEqual({ [first]: ['AWSCURRENT'] });
    expect(h.sm.inspect(name)).toEqual(before);
  });

  it('moves every date by the shift and takes the tags from what it is given', async () => {
    // Prepare
    const { name } = await secretWithCurrent();
    const saved = h.sm.saveSecret(name);
    const created = h.sm.inspect(name).versions[0]?.createdDate.getTime() ?? 0;

    // Act
    h.sm.restoreSecret({ ...saved, tags: { mark: 'moved' } }, 60_000);

    // Assess
    const restored = h.sm.inspect(name);
    expect(restored.versions[0]?.createdDate.getTime()).toBe(created + 60_000);
    expect(restored.tags).toEqual({ mark: 'moved' });
  });

  it('keeps the restored secret independent of the saved copy', async () => {
    // Prepare
    const { name } = await secretWithCurrent();
    const saved = h.sm.saveSecret(name);
    h.sm.restoreSecret(saved);
    await h.client.send(
      new PutSecretValueCommand({
        SecretId: name,
        ClientRequestToken: newToken(),
        SecretString: 'x',
      }),
    );

    // Act
    h.sm.restoreSecret(saved);

    // Assess
    expect(h.sm.inspect(name).versions).toHaveLength(1);
  });
});
