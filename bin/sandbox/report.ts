/** The sandbox's closing table: each secret's versions and what Stytch holds for its client. */
import type { LocalSecretsManager } from '../../local/secrets-manager/index.ts';

export interface StytchView {
  readonly currentLastFour: string | null;
  readonly nextLastFour: string | null;
}

export interface SecretRow {
  readonly secretArn: string;
  readonly clientId: string;
  readonly stytch: StytchView;
}

const lastFourOf = (value: string | undefined): string => {
  if (value === undefined) return 'empty';
  const secret = (JSON.parse(value) as { client_secret?: unknown }).client_secret;
  return typeof secret === 'string' ? `…${secret.slice(-4)}` : 'no secret';
};

export function printReport(
  out: (line: string) => void,
  secretsManager: LocalSecretsManager,
  rows: readonly SecretRow[],
): void {
  out('');
  out('final state');
  for (const row of rows) {
    const snapshot = secretsManager.inspect(row.secretArn);
    out(`  ${snapshot.name}`);
    for (const version of snapshot.versions.filter((v) => v.stages.length > 0)) {
      out(
        `    ${version.stages.join(', ').padEnd(24)} ${lastFourOf(version.value).padEnd(10)} version ${version.versionId}`,
      );
    }
    const next = row.stytch.nextLastFour === null ? 'none' : `…${row.stytch.nextLastFour}`;
    const current = row.stytch.currentLastFour === null ? 'none' : `…${row.stytch.currentLastFour}`;
    out(
      `    Stytch ${row.clientId}: current ${current}, next ${next}${row.stytch.nextLastFour ? ' (overlap open)' : ''}`,
    );
  }
}
