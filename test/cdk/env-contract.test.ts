/**
 * docs/production-cdk.md states the function's complete contract for deployments without CDK. This
 * keeps its IAM table honest: every action the stack grants the function's role is listed there.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { allStatements, baseProps, logicalIdAt, synthRotation } from './fixtures.ts';

const DOC = readFileSync(
  fileURLToPath(new URL('../../docs/production-cdk.md', import.meta.url)),
  'utf8',
);

/** The actions in the "Execution role" table; `GetSecretValue` after `secretsmanager:X` inherits its service. */
function documentedActions(): Set<string> {
  const section = DOC.slice(
    DOC.indexOf('**Execution role.**'),
    DOC.indexOf('**Invoke permission**'),
  );
  const actions = new Set<string>();
  for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
    let service = '';
    for (const [, name] of row.split('|')[1]?.matchAll(/`([^`]+)`/g) ?? []) {
      if (name?.includes(':')) service = name.split(':')[0] ?? '';
      actions.add(name?.includes(':') ? name : `${service}:${name}`);
    }
  }
  return actions;
}

describe('the documented contract', () => {
  it("lists every action the stack grants the function's role", () => {
    // GIVEN every option that adds a statement: customer-managed keys for credentials and secrets
    const { template, stack } = synthRotation((scope) =>
      baseProps({
        credentialsKey: new kms.Key(scope, 'CredentialsKey'),
        encryptionKey: new kms.Key(scope, 'SecretsKey'),
      }),
    );
    const role = logicalIdAt(stack, 'Rotation/Handler/Role');

    // WHEN
    const granted = allStatements(template)
      .filter(({ policy }) =>
        JSON.stringify(template.toJSON().Resources[policy].Properties.Roles).includes(role),
      )
      .flatMap(({ statement }) => [statement.Action].flat() as string[]);
    const documented = documentedActions();

    // THEN
    expect(granted.length).toBeGreaterThan(10);
    expect(granted.filter((action) => !documented.has(action))).toEqual([]);
  });
});
