/**
 * Generators of bad (and some good) input for the fuzz suite, each mixing plausible shapes with
 * junk and planting known secrets where a careless message would quote them. The oracles beside
 * them restate each input's contract from the design notes, independently of the code under test.
 */
import fc from 'fast-check';
import { PLANTED } from './planted.ts';

/** Any JSON value, unicode text, or a planted secret: what an arbitrary field might hold. */
const anyField = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'grapheme' }),
  fc.constant(PLANTED.clientSecret),
);
const extraKeys = fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 20 }), anyField, {
  maxKeys: 5,
});
const withPrefix = (prefixes: readonly string[]) =>
  fc
    .tuple(fc.constantFrom(...prefixes), fc.string({ unit: 'grapheme', maxLength: 40 }))
    .map(([prefix, rest]) => prefix + rest);

const clientId = fc.oneof(
  withPrefix(['connected-app-test-', 'connected-app-live-', 'm2m-client-test-', 'm2m-client-']),
  fc.string({ unit: 'grapheme' }),
  // A secret pasted into the wrong key must not be echoed back.
  fc.constant(PLANTED.clientSecret),
  fc.jsonValue(),
);
const clientSecret = fc.oneof(fc.constant(PLANTED.clientSecret), fc.constant(''), fc.jsonValue());

/** A JSON object with some of client_id / client_secret (of any type) and extra keys. */
export const secretObject = fc
  .tuple(
    fc.record({ client_id: clientId, client_secret: clientSecret }, { requiredKeys: [] }),
    extraKeys,
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

/** A value the contract accepts: a known prefix, an optional secret, the owner's own keys. */
const plausibleSecretObject = fc
  .tuple(
    withPrefix(['connected-app-test-', 'm2m-client-test-']),
    fc.option(fc.constant(PLANTED.clientSecret), { nil: undefined }),
    extraKeys,
  )
  .map(([id, secret, extra]) => ({
    ...extra,
    client_id: id,
    ...(secret === undefined ? {} : { client_secret: secret }),
  }));

/** Larger than Secrets Manager's 65,536 bytes once the new secret is added, or close to it. */
const hugeValue = fc
  .tuple(fc.integer({ min: 30_000, max: 65_400 }), fc.boolean())
  .map(([size, usable]) =>
    JSON.stringify({
      client_id: usable ? 'm2m-client-test-huge' : `no-prefix-${PLANTED.clientSecret}`,
      padding: 'x'.repeat(size),
      note: PLANTED.clientSecret,
    }),
  );

/** A SecretString as Secrets Manager might hand it over; `undefined` for a binary secret. */
export const secretValue: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 4, arbitrary: plausibleSecretObject.map((value) => JSON.stringify(value)) },
  { weight: 6, arbitrary: secretObject.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: secretObject.map((value) => JSON.stringify(value).slice(0, -1)) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme' }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: hugeValue },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

/** The secret-value contract: a JSON object, a known client id prefix, no empty or non-string secret. */
export function isUsableSecretValue(raw: string | undefined): boolean {
  const parsed = parseJson(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const { client_id: id, client_secret: secret } = parsed as Record<string, unknown>;
  const knownKind =
    typeof id === 'string' && (id.startsWith('connected-app-') || id.startsWith('m2m-client-'));
  return knownKind && (secret === undefined || (typeof secret === 'string' && secret !== ''));
}

const projectId = fc.oneof(
  withPrefix(['project-test-', 'project-live-']),
  fc.string({ unit: 'grapheme' }),
  fc.constant(PLANTED.projectSecret),
  fc.jsonValue(),
);
const projectSecret = fc.oneof(
  fc.constant(PLANTED.projectSecret),
  fc.constantFrom('', '   '),
  fc.jsonValue(),
);
const credentialsObject = fc
  .tuple(
    fc.record({ project_id: projectId, secret: projectSecret }, { requiredKeys: [] }),
    extraKeys,
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

const plausibleCredentials = fc
  .tuple(withPrefix(['project-test-', 'project-live-']), extraKeys)
  .map(([id, extra]) => ({ ...extra, project_id: id, secret: PLANTED.projectSecret }));

/** The credentials parameter as SSM might return it: its value and its type. */
export const credentialsParameter = fc.record({
  value: fc.oneof(
    { weight: 4, arbitrary: plausibleCredentials.map((value) => JSON.stringify(value)) },
    { weight: 5, arbitrary: credentialsObject.map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: credentialsObject.map((value) => JSON.stringify(value).slice(0, -1)) },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, '') },
  ),
  type: fc.constantFrom('SecureString', 'SecureString', 'String', 'StringList', undefined),
});

/** The credentials contract: a SecureString holding {project_id: project-test-|live-…, secret}. */
export function isUsableCredentials(value: string | undefined, type: string | undefined): boolean {
  if (type === 'String' || type === 'StringList') return false;
  const parsed = parseJson(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const { project_id: id, secret } = parsed as Record<string, unknown>;
  const knownProject =
    typeof id === 'string' && (id.startsWith('project-test-') || id.startsWith('project-live-'));
  return knownProject && typeof secret === 'string' && secret.trim() !== '';
}

const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom(
    'http://127.0.0.1:8080',
    'http://localhost/',
    'http://[::1]:1',
    'ftp://stytch.com',
  ),
  fc.constantFrom('https://test.stytch.com/', 'http://stytch.com', 'test.stytch.com'),
  fc.string({ unit: 'grapheme' }),
);
const numberText = fc.oneof(
  fc.nat().map(String),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('', ' 7 ', '1e3', '0x10', '99999999999999999999'),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);

/** Mostly a good value (or none), sometimes junk: so that valid configurations occur too. */
const goodOrJunk = (good: fc.Arbitrary<string | undefined>, junk: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: junk });

/** The function's environment: every variable of the contract, present or not, good or junk. */
export const environment = fc.record({
  STYTCH_CREDENTIALS_PARAMETER: goodOrJunk(fc.constant('/stytch/credentials'), fc.string()),
  STYTCH_API_BASE_URL: goodOrJunk(fc.constantFrom(undefined, 'https://test.stytch.com'), url),
  STYTCH_TOKEN_URL: goodOrJunk(fc.constant(undefined), url),
  STYTCH_COMPLETION_DELAY_SECONDS: goodOrJunk(
    fc.option(fc.nat().map(String), { nil: undefined }),
    numberText,
  ),
  STYTCH_PROBE_ACCEPTED_ERRORS: goodOrJunk(
    fc
      .array(fc.stringMatching(/^[a-z0-9_]{1,12}$/), { minLength: 1, maxLength: 3 })
      .map((codes) => codes.join(',')),
    fc.string({ unit: 'grapheme' }),
  ),
  STYTCH_CREDENTIALS_CACHE_SECONDS: goodOrJunk(fc.constant(undefined), numberText),
  STYTCH_STUCK_ROTATION_HOURS: goodOrJunk(fc.constantFrom(undefined, '24', '0.5'), numberText),
  STYTCH_MANAGED_TAG: goodOrJunk(
    fc.constantFrom(undefined, 'stytch-secret-rotation=abc'),
    fc.string(),
  ),
});

function parseJson(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
