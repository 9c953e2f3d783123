/**
 * A local cloud with a Stytch project whose credentials are in SSM, for running `stytch-rotation
 * doctor` in-process against it and reading its `--json` findings.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Finding } from '../../bin/cli/doctor/report.ts';
import type { CliIo } from '../../bin/cli/io.ts';
import { main } from '../../bin/cli/main.ts';
import { systemClock } from '../../lambda/clock.ts';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { localSecretsManagerClient, seedStytchProject } from '../../local/seed.ts';
import type { ClientSpec, TokenEndpointBehaviour } from '../../local/stytch/index.ts';

export const PARAMETER = '/stytch-secret-rotation/doctor/credentials';
const TAG = { key: 'stytch-secret-rotation', value: 'doctor' };

export interface DoctorRun {
  readonly code: number;
  readonly findings: Finding[];
  readonly stdout: string;
  readonly stderr: string;
}

export class DoctorWorld {
  /** Every secret seeded, so a test can prove none is printed. */
  readonly knownSecrets: string[] = [];
  /** An empty directory: no synthesized assembly, so the policy check says it cannot tell. */
  readonly noAssembly = join(mkdtempSync(join(tmpdir(), 'doctor-')), 'cdk.out');

  private constructor(
    readonly cloud: LocalCloud,
    readonly sm: SecretsManagerClient,
    readonly projectId: string,
  ) {}

  static async start(behaviour: TokenEndpointBehaviour = 'rfc6749'): Promise<DoctorWorld> {
    const cloud = await startLocalCloud({ tokenEndpointBehaviour: behaviour });
    const project = seedStytchProject(cloud, PARAMETER);
    const world = new DoctorWorld(cloud, localSecretsManagerClient(cloud), project.projectId);
    world.knownSecrets.push(project.secret);
    return world;
  }

  /** Seeds a client in the project; returns its id. */
  addClient(spec: ClientSpec): { clientId: string; clientSecret: string | undefined } {
    const client = this.cloud.stytch.createClient(this.projectId, spec);
    if (client.clientSecret !== undefined) this.knownSecrets.push(client.clientSecret);
    return client;
  }

  /** A tagged secret holding the client's working secret, as a secret to adopt would. */
  async storeSecret(clientId: string, clientSecret: string): Promise<void> {
    await this.sm.send(
      new CreateSecretCommand({
        Name: `stytch/doctor/${clientId}`,
        SecretString: JSON.stringify({ client_id: clientId, client_secret: clientSecret }),
        Tags: [{ Key: TAG.key, Value: TAG.value }],
      }),
    );
  }

  /** Replaces the project credentials in SSM with a wrong secret. */
  breakCredentials(): void {
    this.cloud.ssm.putParameter({
      name: PARAMETER,
      value: JSON.stringify({ project_id: this.projectId, secret: 'secret-test-wrong' }),
      overwrite: true,
    });
  }

  /** The project's domain URL (or another project's). */
  domainOf(projectId = this.projectId): string {
    return this.cloud.stytch.projectDomain(projectId);
  }

  /**
   * `stytch-rotation doctor --json <args>` with the cloud's environment plus `env`; with
   * `json: false`, the plain one-line-per-check output (and no parsed findings).
   */
  async doctor(
    args: readonly string[],
    env: Readonly<Record<string, string>> = {},
    { json = true }: { json?: boolean } = {},
  ): Promise<DoctorRun> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io: CliIo = {
      env: {
        ...this.cloud.awsEnv,
        STYTCH_CREDENTIALS_PARAMETER: PARAMETER,
        STYTCH_API_BASE_URL: this.cloud.stytch.url,
        ...env,
      },
      clock: systemClock,
      out: (line) => stdout.push(line),
      err: (line) => stderr.push(line),
      progress: (line) => stdout.push(line),
      stdinIsTerminal: false,
      readAll: async () => '',
      readLine: async () => undefined,
      readHidden: async () => undefined,
      sleep: (ms) => sleepFor(Math.min(ms, 50)),
    };
    const code = await main(
      [
        'doctor',
        ...(json ? ['--json'] : []),
        '--tag',
        `${TAG.key}=${TAG.value}`,
        '--cdk-out',
        this.noAssembly,
        ...args,
      ],
      io,
    );
    const text = stdout.join('\n');
    return {
      code,
      findings: json && text !== '' ? (JSON.parse(text) as Finding[]) : [],
      stdout: text,
      stderr: stderr.join('\n'),
    };
  }

  /**
   * Calls that change something: Stytch rotation calls, and any Secrets Manager or SSM call but a
   * read (the test's own setup creates secrets before the doctor runs). The doctor must make none.
   */
  mutatingCalls(): string[] {
    const stytch = this.cloud.stytch.requestLog
      .map((entry) => entry.operation)
      .filter((operation) => /\.(rotate_start|rotate|rotate_cancel)$/.test(operation));
    const aws = [...this.cloud.secretsManager.requestLog, ...this.cloud.ssm.requestLog]
      .map((entry) => entry.operation)
      .filter((operation) => !/^(Get|Describe|List)|^CreateSecret$/.test(operation));
    return [...stytch, ...aws];
  }

  async close(): Promise<void> {
    this.sm.destroy();
    await this.cloud.close();
  }
}

/** The one finding of `check` (on `subject`, when given). */
export function findingOf(run: DoctorRun, check: string, subject?: string): Finding | undefined {
  return run.findings.find(
    (f) => f.check === check && (subject === undefined || f.subject === subject),
  );
}
