/** The two halves of an HTTP Basic credential (RFC 7617). */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Reads an `Authorization: Basic …` header. Undefined when the header is absent, not Basic, or not
 * `user:password` in base64: a caller treats all of those as "no valid credentials".
 */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Builds an `Authorization` header value for HTTP Basic. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
