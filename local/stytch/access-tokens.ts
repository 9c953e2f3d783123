import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../lambda/clock.ts';

/** Lifetime of an M2M access token: "valid for one hour after issuance" (stytch-node `m2m.ts`). */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;

/**
 * Issues M2M access tokens as JWTs with the claims Stytch documents (sub, iss, aud, scope, iat, nbf,
 * exp). Stytch signs with the project's RS256 keys; nothing here verifies tokens, so an HS256 key
 * per server keeps the shape without key management. Tokens are counted, never stored.
 */
export class AccessTokenIssuer {
  readonly #signingKey = randomBytes(32);
  #issued = 0;

  constructor(private readonly clock: Clock) {}

  /** How many tokens this server has issued. */
  get issued(): number {
    return this.#issued;
  }

  issue(projectId: string, clientId: string, scopes: readonly string[]): string {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const header = encodeJson({ alg: 'HS256', typ: 'JWT' });
    const payload = encodeJson({
      sub: clientId,
      iss: `stytch.com/${projectId}`,
      aud: [projectId],
      scope: scopes.join(' '),
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + ACCESS_TOKEN_LIFETIME_SECONDS,
    });
    const signature = createHmac('sha256', this.#signingKey)
      .update(`${header}.${payload}`)
      .digest('base64url');
    this.#issued += 1;
    return `${header}.${payload}.${signature}`;
  }
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
