/** Building a Stytch client from the project credentials, as the function and the CLI both do. */
import { resolveStytchEndpoints, type StytchEndpointSettings } from '../config.ts';
import { createStytchClient, type StytchClient, type StytchClientOptions } from './client.ts';
import type { StytchCredentials } from './credentials.ts';

/**
 * A client for the project the credentials name, at the configured base and token URLs (and the
 * project domain's token endpoint for Connected Apps) or else the defaults for its project id.
 * @throws ConfigError when no base URL is configured and the project id has no known prefix
 */
export function stytchClientFor(
  credentials: StytchCredentials,
  endpoints: StytchEndpointSettings,
  options: Omit<
    StytchClientOptions,
    'baseUrl' | 'tokenUrl' | 'connectedAppTokenUrl' | 'projectId' | 'projectSecret'
  >,
): StytchClient {
  const { baseUrl, tokenUrl, connectedAppTokenUrl } = resolveStytchEndpoints(
    endpoints,
    credentials.projectId,
  );
  return createStytchClient({
    ...options,
    baseUrl,
    tokenUrl,
    connectedAppTokenUrl,
    projectId: credentials.projectId,
    projectSecret: credentials.secret,
  });
}
