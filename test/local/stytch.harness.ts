import { Agent, request } from 'undici';
import { afterAll, beforeAll } from 'vitest';
import {
  basicAuthorization,
  type LocalStytch,
  type StytchOptions,
  startStytch,
} from '../../local/stytch/index.ts';

/** A Connected App or M2M client as the management API returns it. */
export interface ClientObject {
  readonly client_id: string;
  readonly client_secret_last_four: string | null;
  readonly next_client_secret_last_four: string | null;
  readonly next_client_secret?: string;
  readonly [field: string]: unknown;
}

/** A management API answer body, success or Stytch-shaped error. */
export interface StytchAnswer {
  readonly request_id: string;
  readonly status_code: number;
  readonly error_type?: string;
  readonly error_message?: string;
  readonly error_url?: string;
  readonly connected_app?: ClientObject;
  readonly m2m_client?: ClientObject;
}

/** A token endpoint answer body, success or OAuth error. */
export interface TokenAnswer {
  readonly request_id: string;
  readonly status_code: number;
  readonly access_token?: string;
  readonly token_type?: string;
  readonly expires_in?: number;
  readonly error?: string;
  readonly error_description?: string;
  readonly error_uri?: string;
  readonly error_type?: string;
}

/** A token endpoint answer with its status and headers. */
export interface TokenResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: TokenAnswer;
}

/** Options for a management call; `authorization` is sent only when given. */
export interface CallOptions {
  readonly authorization?: string | undefined;
  readonly body?: string;
  readonly contentType?: string;
}

/** Options for a token call: a JSON body instead of a form, HTTP Basic, another project. */
export interface TokenOptions {
  readonly json?: boolean;
  readonly authorization?: string;
  readonly project?: string;
}

/** A local Stytch with one project, and request helpers that reach it over HTTP. */
export interface StytchHarness {
  readonly stytch: LocalStytch;
  /** The keep-alive agent the helpers send through, for a test that sends its own request. */
  readonly dispatcher: Agent;
  readonly project: { projectId: string; secret: string };
  readonly projectId: string;
  /** HTTP Basic for the project's id and secret. */
  readonly auth: string;
  /** Sends a management call and reads its JSON answer. */
  call(
    method: 'GET' | 'POST',
    path: string,
    options?: CallOptions,
  ): Promise<{ status: number; body: StytchAnswer }>;
  /** POSTs `params` to the token endpoint as a form (default) or JSON, optionally with HTTP Basic. */
  token(params: Record<string, string>, options?: TokenOptions): Promise<TokenResponse>;
}

interface Started {
  readonly stytch: LocalStytch;
  readonly dispatcher: Agent;
  readonly project: { projectId: string; secret: string };
  readonly auth: string;
}

/**
 * Starts a local Stytch with one project before the file's tests and closes it after them. The
 * fields are readable from the first `beforeAll` on.
 */
export function useStytch(options: StytchOptions = {}): StytchHarness {
  let started: Started | undefined;
  const current = (): Started => {
    if (!started) throw new Error('the local Stytch starts in beforeAll; use it inside tests');
    return started;
  };
  beforeAll(async () => {
    const stytch = await startStytch(options);
    const dispatcher = new Agent();
    const project = stytch.createProject();
    started = {
      stytch,
      dispatcher,
      project,
      auth: basicAuthorization(project.projectId, project.secret),
    };
  });
  afterAll(async () => {
    await started?.dispatcher.close();
    await started?.stytch.close();
  });

  return {
    get stytch() {
      return current().stytch;
    },
    get dispatcher() {
      return current().dispatcher;
    },
    get project() {
      return current().project;
    },
    get projectId() {
      return current().project.projectId;
    },
    get auth() {
      return current().auth;
    },
    async call(method, path, callOptions = {}) {
      const { stytch, dispatcher } = current();
      const headers: Record<string, string> = {};
      if (callOptions.authorization !== undefined)
        headers.authorization = callOptions.authorization;
      if (method === 'POST')
        headers['content-type'] = callOptions.contentType ?? 'application/json';
      const response = await request(`${stytch.url}${path}`, {
        method,
        dispatcher,
        headers,
        ...(method === 'POST' ? { body: callOptions.body ?? '{}' } : {}),
      });
      return { status: response.statusCode, body: (await response.body.json()) as StytchAnswer };
    },
    async token(params, tokenOptions = {}) {
      const { stytch, dispatcher, project } = current();
      const headers: Record<string, string> = {
        'content-type': tokenOptions.json
          ? 'application/json'
          : 'application/x-www-form-urlencoded',
      };
      if (tokenOptions.authorization) headers.authorization = tokenOptions.authorization;
      const response = await request(
        `${stytch.url}/v1/public/${tokenOptions.project ?? project.projectId}/oauth2/token`,
        {
          method: 'POST',
          dispatcher,
          headers,
          body: tokenOptions.json ? JSON.stringify(params) : new URLSearchParams(params).toString(),
        },
      );
      return {
        status: response.statusCode,
        headers: response.headers,
        body: (await response.body.json()) as TokenAnswer,
      };
    },
  };
}
