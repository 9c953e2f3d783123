/** Building a Stytch client from the project credentials, as the function and the CLI both do. */
import { type RotationConfig, resolveStytchEndpoints } from '../config.ts';
import { createStytchClient, type StytchClient, type StytchClientOptions } from './client.ts';
import type { StytchCredentials } from './credentials.ts';

/**
 * A client for the project the credentials name, at the configured base and token URLs or else the
 * defaults for its project id.
 * @throws ConfigError when no base URL is configured and the project id has no known prefix
 */
export function stytchClientFor(
  credentials: StytchCredentials,
  endpoints: Pick<RotationConfig, 'stytchApiBaseUrl' | 'stytchTokenUrl'>,
  options: Omit<StytchClientOptions, 'baseUrl' | 'tokenUrl' | 'projectId' | 'projectSecret'>,
): StytchClient {
  const { baseUrl, tokenUrl } = resolveStytchEndpoints(endpoints, credentials.projectId);
  return createStytchClient({
    ...options,
    baseUrl,
    tokenUrl,
    projectId: credentials.projectId,
    projectSecret: credentials.secret,
  });
}
