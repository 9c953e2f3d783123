/**
 * The one place where text that came from Stytch (or from whatever answered in its place: a proxy, a
 * gateway, a test double) is cleaned of every secret the function holds before anything can log it,
 * quote it in an error message or store it in a tag. The Stytch client runs each answer's body and
 * request-id header through its scrubber before reading a single field, so `error_type`,
 * `error_message`, the OAuth `error` / `error_description` and `request_id` are clean by the time
 * the retry loop logs them or builds a typed error from them.
 *
 * Which secrets: the project secret and its HTTP Basic form, every client secret the client sent
 * (token endpoint) or received (rotate_start). Stytch keeps only hashes, so a secret it was never sent
 * or never issued in this client's lifetime cannot come back in an answer.
 */

/** What replaces a secret in scrubbed text. */
export const REDACTED = '[redacted]';

/** Remembers secrets and removes them from text. One per Stytch client, i.e. per invocation. */
export class SecretScrubber {
  readonly #secrets = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const secret of secrets) this.remember(secret);
  }

  /** Adds a secret; it is removed from every text scrubbed from now on. Empty strings are ignored. */
  remember(secret: string): void {
    if (secret.length === 0) return;
    this.#secrets.add(secret);
    // Inside a JSON string a secret may appear escaped (`\/`, `\u00…`); remove that form too.
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) this.#secrets.add(escaped);
  }

  /** `text` with every remembered secret replaced by {@link REDACTED}; longest secrets first. */
  scrub(text: string): string {
    let clean = text;
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      if (clean.includes(secret)) clean = clean.split(secret).join(REDACTED);
    }
    return clean;
  }

  /** {@link scrub} for an optional value. */
  scrubOptional(text: string | undefined): string | undefined {
    return text === undefined ? undefined : this.scrub(text);
  }
}
