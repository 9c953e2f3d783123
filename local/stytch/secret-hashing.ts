import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What the local Stytch keeps of a secret: its hash and its last four characters. Stytch documents
 * that it "stores a hash of the `next_client_secret` and cannot recover the value if lost"
 * (stytch-node `m2m_clients_secrets.ts`), so the plaintext never enters the state.
 */
export interface StoredSecret {
  readonly hash: string;
  readonly lastFour: string;
}

/**
 * The hash the local Stytch stores for a secret: hex SHA-256. An unsalted fast hash is enough here
 * because every secret it hashes is 256 random bits, out of reach of a dictionary.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Hashes a freshly issued secret; the caller hands the plaintext out once and drops it. */
export function storeSecret(secret: string): StoredSecret {
  return { hash: hashSecret(secret), lastFour: secret.slice(-4) };
}

/** Whether `secret` is the one behind `stored`, compared in constant time. */
export function secretMatches(stored: StoredSecret | undefined, secret: string): boolean {
  if (!stored) return false;
  return timingSafeEqual(Buffer.from(stored.hash, 'hex'), Buffer.from(hashSecret(secret), 'hex'));
}

/** A new client secret: 32 random bytes, base64url (43 characters, no padding). */
export function newClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A new project secret in Stytch's `secret-test-…` form. */
export function newProjectSecret(): string {
  return `secret-test-${randomBytes(32).toString('base64url')}`;
}
