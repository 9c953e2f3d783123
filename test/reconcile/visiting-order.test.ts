import { describe, expect, it } from 'vitest';
import { visitingOrder } from '../../lambda/reconcile/reconcile.ts';
import type { SecretMetadata } from '../../lambda/secrets/store.ts';

function secret(name: string, stages: Record<string, string[]>): SecretMetadata {
  return {
    arn: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-AbCdEf`,
    name,
    rotationEnabled: true,
    versionStages: stages,
    lastRotatedDate: undefined,
    tags: {},
  };
}

const quiet = (name: string) => secret(name, { v1: ['AWSCURRENT', 'AWSPENDING'] });
const rotating = (name: string) => secret(name, { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] });
const names = (list: readonly SecretMetadata[]) => list.map((s) => s.name);

describe('visitingOrder', () => {
  it('visits secrets with a pending rotation first', () => {
    // Prepare
    const secrets = [quiet('a'), rotating('b'), quiet('c'), rotating('d')];

    // Act
    const order = visitingOrder(secrets, new Date(0));

    // Assess
    expect(names(order).slice(0, 2)).toEqual(['b', 'd']);
    expect(names(order).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('starts the quiet secrets at an offset that moves each minute, so no tail is always last', () => {
    // Prepare
    const secrets = ['a', 'b', 'c'].map(quiet);

    // Act
    const firsts = [0, 1, 2, 3].map(
      (minute) => names(visitingOrder(secrets, new Date(minute * 60_000)))[0],
    );

    // Assess
    expect(firsts).toEqual(['a', 'b', 'c', 'a']);
  });
});
