/**
 * The bookkeeping tags the rotation writes on a secret and the reconcile and the operator CLI read.
 * Tags, not function memory, because they survive crashes and container recycling and are readable
 * with DescribeSecret against real AWS: "when did this overlap start" and "why did the last attempt
 * fail" must be answerable after the invocation that knew is long gone.
 */

/**
 * `<versionId>@<ISO time>`: the overlap of that AWSCURRENT version started no earlier than the time.
 * finishSecret writes it after promoting, so the time is never before the promotion.
 */
export const OVERLAP_SINCE_TAG = 'stytch-secret-rotation:overlap-since';

/**
 * `<versionId>@<ISO time>`: the reconcile saw, at that time, that version's overlap complete at Stytch
 * (Stytch's only secret is that version's). Written after the fact, so a crash before it only makes
 * the next pass look again. It lets the listing tell a completed overlap from a due one: a secret
 * whose AWSCURRENT version this tag names needs nothing until something else changes.
 */
export const OVERLAP_COMPLETED_TAG = 'stytch-secret-rotation:overlap-completed';

/** `<token> <step> <code>: <message>`: the last failed rotation step, sanitized for a tag value. */
export const LAST_ERROR_TAG = 'stytch-secret-rotation:last-error';

/**
 * `<Stytch client id>`: which client the secret belongs to, written by the stack on every secret it
 * creates or adopts. When present it must equal the value's `client_id` (see rotation/guards.ts), so
 * a value edited to name another client is refused instead of rotated.
 */
export const CLIENT_ID_TAG = 'stytch-secret-rotation:client-id';

/**
 * `<ClientRequestToken>@<due ISO time>`: a rotation that met an open overlap was deferred until the
 * overlap is due. The reconcile completes the overlap then, starts the rotation again and removes
 * the tag (see reconcile/deferred-rotation.ts).
 */
export const DEFERRED_TAG = 'stytch-secret-rotation:deferred';

/** Secrets Manager's limit on tags per secret. */
export const MAX_TAGS_PER_SECRET = 50;

/** Secrets Manager's limit on a tag value. */
const MAX_TAG_VALUE_LENGTH = 256;

/** When an overlap started, and for which version. */
export interface OverlapSince {
  readonly versionId: string;
  readonly since: Date;
}

/** A failed rotation step, as the last-error tag records it. */
export interface LastError {
  /** The rotation's ClientRequestToken, i.e. the version it was creating. */
  readonly token: string;
  readonly step: string;
  /** The error's stable code (e.g. `STYTCH_NOT_STAGED`), or its name for an unexpected error. */
  readonly code: string;
  readonly message: string;
}

/** The overlap-since tag value for `versionId` promoted at or before `since`. */
export function formatOverlapSince(versionId: string, since: Date): string {
  return `${versionId}@${since.toISOString()}`;
}

/**
 * Reads an overlap-since (or overlap-completed) tag value; `undefined` when absent or not in the
 * expected shape.
 */
export function parseOverlapSince(value: string | undefined): OverlapSince | undefined {
  if (value === undefined) return undefined;
  const at = value.lastIndexOf('@');
  if (at <= 0) return undefined;
  const since = new Date(value.slice(at + 1));
  if (Number.isNaN(since.getTime())) return undefined;
  return { versionId: value.slice(0, at), since };
}

/** A deferred rotation, as the deferred tag records it. */
export interface DeferredRotation {
  /** The ClientRequestToken of the rotation that was deferred. */
  readonly token: string;
  /** When the overlap that blocked it is due. */
  readonly dueAt: Date;
}

/** The deferred tag value. */
export function formatDeferred(deferred: DeferredRotation): string {
  return `${deferred.token}@${deferred.dueAt.toISOString()}`;
}

/** Reads a deferred tag value; `undefined` when absent or not in the expected shape. */
export function parseDeferred(value: string | undefined): DeferredRotation | undefined {
  const parsed = parseOverlapSince(value);
  return parsed === undefined ? undefined : { token: parsed.versionId, dueAt: parsed.since };
}

/**
 * The last-error tag value: the fields joined, every character Secrets Manager does not accept in a
 * tag value replaced by a space, cut to 256 characters. Our messages hold no secrets (see errors.ts),
 * so the text is safe to store where anyone with DescribeSecret can read it.
 */
export function formatLastError(error: LastError): string {
  const text = `${error.token} ${error.step} ${error.code}: ${error.message}`;
  return sanitizeTagValue(text);
}

/** Reads a last-error tag value; `undefined` when absent or not in the expected shape. */
export function parseLastError(value: string | undefined): LastError | undefined {
  const match = value === undefined ? null : /^(\S+) (\S+) ([^\s:]+): ?(.*)$/s.exec(value);
  if (match === null) return undefined;
  const [, token = '', step = '', code = '', message = ''] = match;
  return { token, step, code, message };
}

/**
 * Secrets Manager's tag value alphabet: letters, digits, whitespace and `_ . : / = + - @`; anything
 * else (quotes, parentheses, commas, semicolons) becomes a space, runs of spaces collapse.
 */
export function sanitizeTagValue(text: string): string {
  const cleaned = text
    .replace(/[^\p{L}\p{N}\s_.:/=+\-@]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length <= MAX_TAG_VALUE_LENGTH
    ? cleaned
    : `${cleaned.slice(0, MAX_TAG_VALUE_LENGTH - 3)}...`;
}
