import {
  CreateSecretCommand,
  ListSecretsCommand,
  paginateListSecrets,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { errorOf, useHarness } from './secrets-manager.harness.ts';

const h = useHarness();

describe('ListSecrets', () => {
  it('filters by tag and pages through the matches with MaxResults', async () => {
    // Prepare
    for (let i = 0; i < 5; i += 1) {
      await h.client.send(
        new CreateSecretCommand({
          Name: `listed/managed-${i}`,
          SecretString: 'v',
          Tags: [{ Key: 'stytch-secret-rotation', Value: 'stack-a' }],
        }),
      );
    }
    await h.client.send(
      new CreateSecretCommand({
        Name: 'listed/other',
        SecretString: 'v',
        Tags: [{ Key: 'stytch-secret-rotation', Value: 'stack-b' }],
      }),
    );
    const pages: string[][] = [];
    // Act
    for await (const page of paginateListSecrets(
      { client: h.client, pageSize: 2 },
      {
        Filters: [
          { Key: 'tag-key', Values: ['stytch-secret-rotation'] },
          { Key: 'tag-value', Values: ['stack-a'] },
        ],
      },
    )) {
      pages.push((page.SecretList ?? []).map((s) => s.Name as string));
    }
    // Assess
    expect(pages).toEqual([
      ['listed/managed-0', 'listed/managed-1'],
      ['listed/managed-2', 'listed/managed-3'],
      ['listed/managed-4'],
    ]);
  });

  it('matches names by case-sensitive prefix and honours negation', async () => {
    // Act
    const prefixed = await h.client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['listed/'] }] }),
    );
    const wrongCase = await h.client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['Listed/'] }] }),
    );
    const negated = await h.client.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'name', Values: ['listed/'] },
          { Key: 'tag-value', Values: ['!stack-a'] },
        ],
      }),
    );
    // Assess
    expect(prefixed.SecretList).toHaveLength(6);
    expect(wrongCase.SecretList).toEqual([]);
    expect(negated.SecretList?.map((s) => s.Name)).toEqual(['listed/other']);
    expect(prefixed.SecretList?.[0]?.SecretVersionsToStages).toBeDefined();
  });

  it('refuses a NextToken it did not issue', async () => {
    // Act
    const error = await errorOf(h.client.send(new ListSecretsCommand({ NextToken: 'bogus' })));
    // Assess
    expect(error.name).toBe('InvalidNextTokenException');
  });
});
