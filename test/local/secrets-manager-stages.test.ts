import {
  ListSecretVersionIdsCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { errorOf, newToken, useHarness, versionHelpers } from './secrets-manager.harness.ts';

const h = useHarness({ rotation: { maxAttempts: 1 } });
const { secretWithCurrent, stagesOf, putVersion } = versionHelpers(h);

describe('UpdateSecretVersionStage', () => {
  it('gives AWSPREVIOUS to the version AWSCURRENT leaves and takes it from where it was', async () => {
    // Prepare
    const { name, first } = await secretWithCurrent();
    const second = newToken();
    const pending = newToken();
    await putVersion(name, second, 'value-2');
    await putVersion(name, pending, 'value-3', ['AWSPENDING']);
    // Act
    await h.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: pending,
        RemoveFromVersionId: second,
      }),
    );
    // Assess
    expect(await stagesOf(name)).toEqual({
      [second]: ['AWSPREVIOUS'],
      [pending]: ['AWSPENDING', 'AWSCURRENT'],
    });
    expect(Object.keys(await stagesOf(name))).not.toContain(first);
  });

  it('refuses to move a label attached to another version when RemoveFromVersionId is missing', async () => {
    // Prepare
    const { name, first } = await secretWithCurrent();
    const second = newToken();
    await putVersion(name, second, 'v2', ['AWSPENDING']);
    // Act
    const error = await errorOf(
      h.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: second,
        }),
      ),
    );
    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect((await stagesOf(name))[first]).toEqual(['AWSCURRENT']);
  });

  it('refuses a RemoveFromVersionId that does not hold the label, so a repeated move fails', async () => {
    // Prepare
    const { name, first } = await secretWithCurrent();
    const second = newToken();
    await putVersion(name, second, 'v2', ['AWSPENDING']);
    const move = new UpdateSecretVersionStageCommand({
      SecretId: name,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: second,
      RemoveFromVersionId: first,
    });
    await h.client.send(move);
    // Act
    const error = await errorOf(h.client.send(move));
    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect(await stagesOf(name)).toEqual({
      [first]: ['AWSPREVIOUS'],
      [second]: ['AWSPENDING', 'AWSCURRENT'],
    });
  });

  it('refuses to remove AWSCURRENT without moving it', async () => {
    // Prepare
    const { name, first } = await secretWithCurrent();
    // Act
    const error = await errorOf(
      h.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: 'AWSCURRENT',
          RemoveFromVersionId: first,
        }),
      ),
    );
    // Assess
    expect(error.name).toBe('InvalidParameterException');
  });

  it('leaves a version without labels deprecated, listed only with IncludeDeprecated', async () => {
    // Prepare
    const { name } = await secretWithCurrent();
    const pending = newToken();
    await putVersion(name, pending, 'v2', ['AWSPENDING']);
    // Act
    await h.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSPENDING',
        RemoveFromVersionId: pending,
      }),
    );
    // Assess
    const listed = await h.client.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    const all = await h.client.send(
      new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }),
    );
    expect(listed.Versions?.map((v) => v.VersionId)).not.toContain(pending);
    expect(all.Versions?.map((v) => v.VersionId)).toContain(pending);
    expect(h.sm.events.at(-1)).toMatchObject({ type: 'RotationAbandoned', versionId: pending });
  });
});
