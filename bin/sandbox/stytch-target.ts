/**
 * Which Stytch the sandbox rotates against: the local one, where it creates example clients, or a
 * real Stytch test project with existing clients (Secrets Manager and SSM stay local either way).
 */
import type { LocalCloud } from '../../local/cloud.ts';
import type { StytchProjectCredentials } from '../../local/seed.ts';
import type { SandboxOptions } from './options.ts';
import type { StytchView } from './report.ts';

export interface StytchTarget {
  readonly description: string;
  readonly clientIds: readonly string[];
  /** The project's credentials, which the sandbox stores in SSM for the function. */
  readonly credentials: StytchProjectCredentials;
  /** The function's environment for this target. */
  readonly env: Readonly<Record<string, string>>;
  state(clientId: string): Promise<StytchView>;
}

export async function createStytchTarget(
  cloud: LocalCloud,
  options: SandboxOptions,
): Promise<StytchTarget> {
  const real = options.realStytch;
  if (real !== undefined) {
    const base = 'https://test.stytch.com';
    const auth = `Basic ${Buffer.from(`${real.projectId}:${real.secret}`).toString('base64')}`;
    return {
      description: `${base} (project ${real.projectId})`,
      clientIds: real.clientIds,
      credentials: { projectId: real.projectId, secret: real.secret },
      env: {},
      async state(clientId) {
        const kind = clientId.startsWith('m2m-client-') ? 'm2m' : 'connected_apps';
        const key = kind === 'm2m' ? 'm2m_client' : 'connected_app';
        const response = await fetch(`${base}/v1/${kind}/clients/${encodeURIComponent(clientId)}`, {
          headers: { authorization: auth },
        });
        const body = (await response.json()) as Record<string, Record<string, string | null>>;
        return {
          currentLastFour: body[key]?.client_secret_last_four ?? null,
          nextLastFour: body[key]?.next_client_secret_last_four ?? null,
        };
      },
    };
  }
  const project = cloud.stytch.createProject();
  const clientIds = Array.from(
    { length: options.clients },
    (_, i) =>
      cloud.stytch.createClient(project.projectId, { kind: i % 2 === 0 ? 'connected_app' : 'm2m' })
        .clientId,
  );
  return {
    description: `${cloud.stytch.url} (local, project ${project.projectId})`,
    clientIds,
    credentials: project,
    env: { STYTCH_API_BASE_URL: cloud.stytch.url },
    async state(clientId) {
      const state = cloud.stytch.clientState(clientId);
      return { currentLastFour: state.currentLastFour, nextLastFour: state.nextLastFour };
    },
  };
}
