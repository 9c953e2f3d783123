/**
 * The runner's own guards as pure functions: the managed tag, the client-id tag, room under the
 * 50-tag limit, and a stale AWSPENDING.
 */
import { describe, expect, it } from 'vitest';
import {
  checkClientIdTag,
  checkManagedSecret,
  checkTagRoom,
  isStalePending,
} from '../../lambda/rotation/guards.ts';
import type { SecretMetadata } from '../../lambda/secrets/store.ts';

const MANAGED = { key: 'stytch-secret-rotation', value: 'stack-a' };

function metadata(tags: Record<string, string>): SecretMetadata {
  return {
    arn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:s-AbCdEf',
    name: 's',
    rotationEnabled: true,
    versionStages: { current: ['AWSCURRENT'], pending: ['AWSPENDING'] },
    lastRotatedDate: undefined,
    tags,
  };
}

function filler(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`team:${i}`, 'x']));
}

describe('checkManagedSecret', () => {
  it('accepts exactly this stack’s tag value', () => {
    expect(() => checkManagedSecret(metadata({ [MANAGED.key]: 'stack-a' }), MANAGED)).not.toThrow();
  });

  it.each([
    ['a missing tag', {}],
    ['another stack’s value', { [MANAGED.key]: 'stack-b' }],
    ['a value that only starts the same', { [MANAGED.key]: 'stack-a-2' }],
  ])('refuses %s with SECRET_NOT_MANAGED', (_, tags) => {
    expect(() => checkManagedSecret(metadata(tags), MANAGED)).toThrow(
      expect.objectContaining({ code: 'SECRET_NOT_MANAGED' }),
    );
  });

  it('refuses every secret when the function has no managed tag', () => {
    expect(() => checkManagedSecret(metadata({ [MANAGED.key]: 'stack-a' }), undefined)).toThrow(
      /STYTCH_MANAGED_TAG is not set/,
    );
  });
});

describe('checkClientIdTag', () => {
  const tag = 'stytch-secret-rotation:client-id';
  it('accepts a secret without the tag, or with the same client', () => {
    expect(() => checkClientIdTag(metadata({}), 'm2m-client-test-1', 'v')).not.toThrow();
    expect(() =>
      checkClientIdTag(metadata({ [tag]: 'm2m-client-test-1' }), 'm2m-client-test-1', 'v'),
    ).not.toThrow();
  });

  it('refuses another client with CLIENT_ID_MISMATCH', () => {
    expect(() =>
      checkClientIdTag(metadata({ [tag]: 'm2m-client-test-2' }), 'm2m-client-test-1', 'v'),
    ).toThrow(expect.objectContaining({ code: 'CLIENT_ID_MISMATCH' }));
  });
});

describe('checkTagRoom', () => {
  const keys = ['stytch-secret-rotation:overlap-since', 'stytch-secret-rotation:deferred'];
  it('accepts 48 tags (room for both) and 50 tags that already include both', () => {
    expect(() => checkTagRoom(metadata(filler(48)), keys)).not.toThrow();
    const full = { ...filler(48), [keys[0] as string]: 'v@t', [keys[1] as string]: 't@t' };
    expect(() => checkTagRoom(metadata(full), keys)).not.toThrow();
  });

  it('refuses 49 tags without either (one would not fit) with TAG_LIMIT', () => {
    expect(() => checkTagRoom(metadata(filler(49)), keys)).toThrow(
      expect.objectContaining({ code: 'TAG_LIMIT' }),
    );
  });
});

describe('isStalePending', () => {
  const at = (iso: string) => new Date(iso);
  const versions = [
    { versionId: 'old', stages: ['AWSPENDING'], createdDate: at('2026-01-01T00:00:00Z') },
    { versionId: 'cur', stages: ['AWSCURRENT'], createdDate: at('2026-01-01T01:00:00Z') },
    { versionId: 'new', stages: ['AWSPENDING'], createdDate: at('2026-01-01T02:00:00Z') },
  ];
  it('is true only for a pending version created before AWSCURRENT', () => {
    expect(isStalePending(versions, 'old', 'cur')).toBe(true);
    expect(isStalePending(versions, 'new', 'cur')).toBe(false);
    expect(isStalePending(versions, 'unknown', 'cur')).toBe(false);
  });
});
