/**
 * A project's own domain, which Stytch's docs give as the Connected App token endpoint
 * (`https://{project_domain}/v1/oauth2/token`) and where the project's OpenID configuration lives
 * (`/.well-known/openid-configuration`). On 127.0.0.1 one server holds every project, so each
 * project's domain is a path under the server: `{url}/project-domains/{project_id}`.
 */
import type { Reply } from '../http-server.ts';
import { stytchError } from './replies.ts';
import type { StytchState } from './state.ts';

const DOMAIN_PATH =
  /^\/project-domains\/([^/]+)(\/v1\/oauth2\/token|\/\.well-known\/openid-configuration)$/;

/** A request on a project domain: whose, and which of its two routes. */
export interface ProjectDomainRoute {
  readonly projectId: string;
  readonly route: 'token' | 'openid-configuration';
}

/** The project-domain route `path` names, if any. */
export function matchProjectDomainPath(path: string): ProjectDomainRoute | undefined {
  const match = DOMAIN_PATH.exec(path);
  if (match === null) return undefined;
  try {
    const projectId = decodeURIComponent(match[1] ?? '');
    return {
      projectId,
      route: match[2] === '/v1/oauth2/token' ? 'token' : 'openid-configuration',
    };
  } catch {
    return undefined;
  }
}

/** The project domain's URL on the server at `serverUrl`. */
export function projectDomainUrl(serverUrl: string, projectId: string): string {
  return `${serverUrl}/project-domains/${encodeURIComponent(projectId)}`;
}

/**
 * The OpenID provider configuration (OpenID Connect Discovery 1.0) a project domain publishes; the
 * fields a client reads to find the token endpoint, in the shape Stytch documents.
 */
export function openIdConfiguration(
  state: StytchState,
  serverUrl: string,
  projectId: string,
): Reply {
  if (!state.projects.has(projectId)) {
    return stytchError(404, 'project_not_found', 'No project has this domain.');
  }
  const issuer = projectDomainUrl(serverUrl, projectId);
  return {
    status: 200,
    body: {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/v1/oauth2/token`,
      userinfo_endpoint: `${issuer}/v1/oauth2/userinfo`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      grant_types_supported: [
        'authorization_code',
        'refresh_token',
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
      ],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    },
  };
}
