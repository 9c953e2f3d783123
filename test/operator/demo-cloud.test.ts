/**
 * The demo cloud end to end, as a person drives it: `npm run local-cloud` in one process, then the
 * operator CLI in fresh processes that know nothing but the export lines it printed. The rotation
 * runs through the synthesized bundle the demo registered as the secrets' rotation function.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type Served, serve, shellEnv } from './processes.ts';

let demo: Served;
let exported: Record<string, string>;
let secretName: string;

/** `export NAME=value` lines, as a shell would read them (values are unquoted or single-quoted). */
function readExportLines(stdout: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const match of stdout.matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)) {
    const [, name = '', raw = ''] = match;
    variables[name] = raw.startsWith("'") ? raw.slice(1, -1).replace(/'\\''/g, "'") : raw;
  }
  return variables;
}

const cli = (...args: string[]) =>
  run('npx', ['tsx', 'bin/cli.ts', ...args], shellEnv(exported), 90_000);

beforeAll(async () => {
  // The command `npm run local-cloud` runs, in its own process group so Ctrl-C reaches it.
  demo = serve('npx', ['tsx', 'local/main.ts'], shellEnv({ CI: process.env.CI ?? '' }));
  const stdout = await demo.waitFor(/^then try:$/m, 110_000);
  exported = readExportLines(stdout);
  secretName = /^ {2}(stytch\/\S+connected-app-\S+)/m.exec(stdout)?.[1] ?? '';
}, 120_000);

afterAll(async () => {
  await demo?.stop();
});

describe('npm run local-cloud', () => {
  it('prints the export lines the AWS CLI, boto3 and this CLI need', () => {
    expect(Object.keys(exported)).toEqual(
      expect.arrayContaining([
        'AWS_ENDPOINT_URL_SECRETS_MANAGER',
        'AWS_ENDPOINT_URL_SSM',
        'AWS_REGION',
        'AWS_DEFAULT_REGION',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'STYTCH_CREDENTIALS_PARAMETER',
        'STYTCH_API_BASE_URL',
        'STYTCH_COMPLETION_DELAY_SECONDS',
      ]),
    );
    expect(exported.AWS_DEFAULT_REGION).toBe(exported.AWS_REGION);
    expect(secretName).toMatch(/^stytch\/StytchSecretRotation\/connected-app-/);
  });

  it('lets the CLI rotate a seeded secret, show it in an overlap, and complete the overlap', async () => {
    const rotated = await cli('rotate', secretName, '--timeout', '60');
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/rotate: succeeded: version \S+ is AWSCURRENT/);
    expect(rotated.stderr).not.toContain('NodeVersionSupportWarning');
    const version = /version (\S+) is AWSCURRENT/.exec(rotated.stdout)?.[1];

    const status = await cli('status', '--json');
    expect(status.code, status.stderr).toBe(0);
    const rows = JSON.parse(status.stdout) as {
      name: string;
      health: string;
      versions: { versionId: string; stages: string[] }[];
      stytch: { current: string | null; next: string | null };
    }[];
    const row = rows.find((r) => r.name === secretName);
    expect(row?.health).toBe('overlap');
    const current = row?.versions.find((v) => v.stages.includes('AWSCURRENT'));
    expect(current?.versionId).toBe(version);
    expect(row?.stytch.next).not.toBeNull();
    expect(rows.every((r) => r.name.startsWith('stytch/StytchSecretRotation/'))).toBe(true);

    expect(status.stderr).not.toContain('NodeVersionSupportWarning');

    const completed = await cli('complete', secretName, '--yes');
    expect(completed.code, completed.stderr).toBe(0);
    expect(completed.stdout).toMatch(/complete: done: completed the Stytch rotation/);
    expect(completed.stderr).toBe('');

    const after = await cli('status', '--json');
    const settled = (JSON.parse(after.stdout) as typeof rows).find((r) => r.name === secretName);
    expect(settled?.health).toBe('ok');
    expect(settled?.stytch.next).toBeNull();
  }, 200_000);
});

describe('npm run local-cloud -- --empty', () => {
  it('serves the bare cloud: endpoints and export lines, no project, secrets or function', async () => {
    const bare = serve('npx', ['tsx', 'local/main.ts', '--empty'], shellEnv());
    try {
      const stdout = await bare.waitFor(/^export AWS_DEFAULT_REGION=/m, 60_000);
      expect(stdout).toMatch(/^ {2}Secrets Manager {2}http:\/\/127\.0\.0\.1:\d+$/m);
      expect(stdout).not.toContain('managed secrets:');
      expect(stdout).not.toContain('STYTCH_CREDENTIALS_PARAMETER');
    } finally {
      await bare.stop();
    }
  }, 90_000);
});
