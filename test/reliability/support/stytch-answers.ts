/**
 * Fuzzed answers from Stytch: any status with a body (200-599), success bodies of the right and
 * wrong shapes, error bodies whose messages echo the secrets the request carried, OAuth answers,
 * arbitrary JSON, text and HTML, with or without content type, Retry-After and request id. The
 * oracle restates from the API facts what the client must make of each.
 */
import fc from 'fast-check';
import { PLANTED } from './planted.ts';

export const PROJECT_ID = 'project-test-fuzzed';
export const BASIC_AUTH = `Basic ${Buffer.from(`${PROJECT_ID}:${PLANTED.projectSecret}`).toString('base64')}`;

export type FuzzedOperation =
  | 'getClient'
  | 'rotateStart'
  | 'rotate'
  | 'rotateCancel'
  | 'requestToken';

export interface StytchAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const echoedSecret = fc
  .constantFrom(PLANTED.projectSecret, PLANTED.clientSecret, BASIC_AUTH)
  .map((secret) => `the request carried ${secret}, which is wrong`);
const text = fc.oneof(fc.string({ unit: 'grapheme' }), echoedSecret);
const lastFour = fc.oneof(fc.constant(null), fc.string({ maxLength: 6 }), fc.jsonValue());

const clientObject = (clientId: string) =>
  fc.record(
    {
      client_id: fc.oneof({ weight: 4, arbitrary: fc.constant(clientId) }, fc.string()),
      client_secret_last_four: lastFour,
      next_client_secret_last_four: fc.oneof(
        fc.constant(PLANTED.nextClientSecret.slice(-4)),
        lastFour,
      ),
      next_client_secret: fc.oneof(
        { weight: 4, arbitrary: fc.constant(PLANTED.nextClientSecret) },
        fc.constant(''),
        fc.jsonValue(),
      ),
      status: fc.oneof(fc.constant('active'), fc.jsonValue()),
      client_type: fc.constantFrom('first_party', 'third_party_public'),
    },
    { requiredKeys: ['client_id'] },
  );

const successBody = (clientId: string, wrapper: string) =>
  fc
    .tuple(clientObject(clientId), fc.constantFrom(wrapper, wrapper, 'connected_app', 'm2m_client'))
    .map(([client, key]) => ({
      request_id: 'request-id-test-fuzz',
      status_code: 200,
      [key]: client,
    }));

const errorBody = fc.record(
  {
    status_code: fc.integer({ min: 100, max: 599 }),
    request_id: fc.oneof(fc.constant('request-id-test-fuzz'), fc.jsonValue()),
    error_type: fc.oneof(
      fc.constantFrom('too_many_requests', 'unauthorized_credentials', 'connected_app_not_found'),
      fc.constantFrom('m2m_client_already_rotating_secret', 'connected_app_not_rotating_secret'),
      fc.string(),
      fc.jsonValue(),
    ),
    error_message: fc.oneof(text, fc.jsonValue()),
    error: fc.oneof(
      fc.constantFrom('invalid_client', 'invalid_grant', 'invalid_request'),
      fc.jsonValue(),
    ),
    error_description: text,
  },
  { requiredKeys: [] },
);

const tokenBody = fc.record(
  {
    access_token: fc.oneof(fc.constant('eyJ.fuzzed.token'), fc.constant(''), fc.jsonValue()),
    token_type: fc.constant('bearer'),
    expires_in: fc.jsonValue(),
    request_id: fc.constant('request-id-test-fuzz'),
  },
  { requiredKeys: [] },
);

const html = fc.constantFrom(
  '<html><body><h1>502 Bad Gateway</h1></body></html>',
  '<!DOCTYPE html><title>Just a moment...</title>',
);

const json = (value: unknown) => JSON.stringify(value);
const bodyFor = (clientId: string, wrapper: string) =>
  fc.oneof(
    { weight: 4, arbitrary: successBody(clientId, wrapper).map(json) },
    { weight: 3, arbitrary: errorBody.map(json) },
    { weight: 2, arbitrary: tokenBody.map(json) },
    { weight: 1, arbitrary: successBody(clientId, wrapper).map((b) => json(b).slice(0, -2)) },
    { weight: 1, arbitrary: fc.jsonValue().map(json) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme' }) },
    { weight: 1, arbitrary: html },
  );

const status = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(200, 201, 400, 401, 404, 409, 429, 500, 502, 503, 504) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 200, max: 599 }).filter((s) => ![204, 205, 304].includes(s)),
  },
);

const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/html',
      'text/plain',
    ),
    'retry-after': fc.oneof(
      fc.nat(5).map(String),
      fc.constantFrom('3600', 'Wed, 21 Oct 2015 07:28:00 GMT', '-1', 'soon'),
    ),
    'x-request-id': fc.constant('request-id-test-header'),
  },
  { requiredKeys: [] },
);

/** An answer to a call on `clientId`, whose success bodies wrap the client under `wrapper`. */
export function stytchAnswer(clientId: string, wrapper: string): fc.Arbitrary<StytchAnswer> {
  return fc.record({ status, headers, body: bodyFor(clientId, wrapper) });
}

/** The body as a JSON object, or `undefined` when it is not one (what the client must refuse). */
export function jsonObjectOf(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
