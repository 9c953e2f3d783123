/**
 * Secret values planted in fuzzed inputs. Each is long and distinctive, so finding one in a message,
 * a log line or a tag is a leak, not a coincidence; the function may show at most the last four.
 * Failure messages name planted secrets by label, never by value.
 */
import { describeErrorFully } from '../../unit/helpers/no-secrets.ts';

export const PLANTED = {
  clientSecret: 'planted-client-secret-Zq8vX2mN4pL7rT1yB6cH9dK3wF5',
  nextClientSecret: 'planted-next-secret-Jh2Kd8Ls4Mv6Nb0Pq3Rt7Wx1Yz9',
  projectSecret: 'secret-test-planted-project-Ab4Cd8Ef2Gh6Ij0Kl3Mn7Op1',
  urlPassword: 'planted-url-password-Qw9Er3Ty7Ui1Op5As2Df6Gh0',
} as const;

export type PlantedName = keyof typeof PLANTED;

/** The labels of the planted secrets (and `extra` ones) found in `texts`. */
export function plantedIn(
  texts: ReadonlyArray<string | undefined>,
  extra: Readonly<Record<string, string>> = {},
): string[] {
  const all = { ...PLANTED, ...extra };
  const joined = texts.join('\n');
  return Object.entries(all)
    .filter(([, secret]) => secret.length > 0 && joined.includes(secret))
    .map(([label]) => label);
}

/** Everything an error shows (message, fields, stack, causes), or '' for no error. */
export function errorText(error: unknown): string {
  return error === undefined ? '' : describeErrorFully(error);
}

/** Where to look for leaks besides errors: a log's lines, serialized. */
export interface HasLogText {
  text(): string;
}
