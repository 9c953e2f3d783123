/**
 * Seeds a running local cloud the way a deployment of the stack would find it: a Stytch project
 * whose credentials are in SSM, the clients, their managed secrets (tagged as the stack tags them),
 * and the synthesized rotation function registered as their rotation function, so RotateSecret from
 * any client (this CLI, the AWS CLI, boto3) rotates them. The stack's durations are divided by the
 * time scale so an overlap and the reconcile can be watched.
 */
import type { LocalCloud } from '../cloud.ts';
import { createProcessInvoker, type ProcessInvoker } from '../process-invoker.ts';
import { createManagedSecret, localSecretsManagerClient, seedStytchProject } from '../seed.ts';
import type { SynthesizedFunction } from '../synth-output.ts';
import type { StackClient, StackSettings } from './stack-settings.ts';

export interface DemoSettings {
  readonly timeScale: number;
  /** Create this many clients instead of the stack's. */
  readonly clientCount: number | undefined;
  /** Receives the function's output. */
  readonly onOutput: (text: string) => void;
}

/** A seeded demo: what was created and the function's invoker (for the reconcile schedule). */
export interface Demo {
  readonly projectId: string;
  readonly functionArn: string;
  readonly secrets: readonly { readonly name: string; readonly clientId: string }[];
  /** The function's environment, with the scaled durations. */
  readonly functionEnv: Readonly<Record<string, string>>;
  readonly reconcileIntervalMs: number;
  readonly invoke: ProcessInvoker;
}

const DEFAULT_TAG = 'stytch-secret-rotation=StytchSecretRotation';

export async function seedDemo(
  cloud: LocalCloud,
  fn: SynthesizedFunction,
  stack: StackSettings,
  settings: DemoSettings,
): Promise<Demo> {
  const parameter =
    fn.environment.STYTCH_CREDENTIALS_PARAMETER ?? '/stytch-secret-rotation/credentials';
  const project = seedStytchProject(cloud, parameter);
  const clients = settings.clientCount === undefined ? stack.clients : generated(settings, stack);
  for (const client of clients) {
    const kind = client.clientId.startsWith('m2m-client-') ? 'm2m' : 'connected_app';
    cloud.stytch.createClient(project.projectId, { kind, clientId: client.clientId });
  }

  const functionArn = `arn:aws:lambda:${cloud.region}:000000000000:function:${fn.stackName}-rotation`;
  const functionEnv = {
    ...fn.environment,
    ...cloud.awsEnv,
    STYTCH_API_BASE_URL: cloud.stytch.url,
    // The template names the stack's lease table by Ref; here it is the local cloud's.
    STYTCH_LEASE_TABLE: cloud.leaseTable,
    // A stack with a project domain gets the local project's, never the real one.
    ...(fn.environment.STYTCH_PROJECT_DOMAIN === undefined
      ? {}
      : { STYTCH_PROJECT_DOMAIN: cloud.stytch.projectDomain(project.projectId) }),
    // The worker runs on this machine's Node; in AWS the function runs on nodejs22.x.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...scaledDurations(fn.environment, settings.timeScale),
  };
  const invoke = createProcessInvoker({
    bundlePath: fn.bundlePath,
    handlerExport: fn.handlerExport,
    env: functionEnv,
    timeoutMs: fn.timeoutSeconds * 1000,
    onOutput: settings.onOutput,
  });
  cloud.secretsManager.registerFunction(functionArn, invoke);

  const [tagKey = '', tagValue = ''] = (fn.environment.STYTCH_MANAGED_TAG ?? DEFAULT_TAG).split(
    '=',
  );
  const sm = localSecretsManagerClient(cloud);
  try {
    for (const client of clients) {
      await createManagedSecret(sm, {
        name: client.secretName,
        value: JSON.stringify({ client_id: client.clientId }),
        tag: { key: tagKey, value: tagValue },
        rotationFunctionArn: functionArn,
      });
    }
  } finally {
    sm.destroy();
  }
  return {
    projectId: project.projectId,
    functionArn,
    secrets: clients.map((c) => ({ name: c.secretName, clientId: c.clientId })),
    functionEnv,
    reconcileIntervalMs: Math.max(
      1000,
      Math.round((stack.reconcileIntervalMinutes * 60_000) / settings.timeScale),
    ),
    invoke,
  };
}

/** `--clients N`: alternating Connected Apps and M2M clients, named as the stack would name them. */
function generated(settings: DemoSettings, stack: StackSettings): StackClient[] {
  return Array.from({ length: settings.clientCount ?? 0 }, (_, i) => {
    const prefix = i % 2 === 0 ? 'connected-app-test-' : 'm2m-client-test-';
    const clientId = `${prefix}demo-${String(i + 1).padStart(3, '0')}`;
    return { clientId, secretName: `stytch/${stack.stackName}/${clientId}` };
  });
}

/**
 * The completion delay and stuck age divided by the time scale. A zero delay stays zero; a
 * positive one stays at least a second, so an overlap still exists.
 */
function scaledDurations(
  env: Readonly<Record<string, string>>,
  timeScale: number,
): Record<string, string> {
  const delay = Number(env.STYTCH_COMPLETION_DELAY_SECONDS ?? 3600);
  const stuckHours = Number(env.STYTCH_STUCK_ROTATION_HOURS ?? 24);
  return {
    STYTCH_COMPLETION_DELAY_SECONDS: String(
      delay === 0 ? 0 : Math.max(1, Math.round(delay / timeScale)),
    ),
    STYTCH_STUCK_ROTATION_HOURS: String(stuckHours / timeScale),
  };
}
