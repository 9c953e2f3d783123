/**
 * Whether the function's IAM lets it read and write the managed secrets, as far as this machine can
 * tell: the synthesized template in cdk.out is read and the rotation function's role policies are
 * evaluated (Allow statements, wildcards in actions and resources; conditions such as the managed
 * tag are not) against each secret the stack creates or adopts. The deployed role is not inspected (that needs IAM's policy simulator and
 * access to the account), and the finding says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding } from './report.ts';

/** What the function must be allowed on every managed secret to rotate it. */
export const SECRET_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
] as const;

type Json = Record<string, unknown>;
interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

/** An ARN in an example account, for matching the template's patterns against. */
const SAMPLE_ARN = (name: string) =>
  `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;

export function functionPolicyFinding(cdkOut: string): Finding {
  const base = { check: 'function-policy' };
  const templates = readTemplates(resolve(cdkOut));
  if (templates.length === 0) {
    return {
      ...base,
      verdict: 'skip',
      detail: `cannot tell: no synthesized stack in ${cdkOut} (run \`npx cdk synth\` and doctor again); the deployed role is never inspected`,
    };
  }
  const problems: string[] = [];
  let secretCount = 0;
  for (const resources of templates) {
    const fn = Object.entries(resources).find(
      ([, r]) =>
        r.Type === 'AWS::Lambda::Function' && typeof variablesOf(r).STYTCH_MANAGED_TAG === 'string',
    );
    if (fn === undefined) continue;
    const roleId = (
      (fn[1].Properties?.Role as Json | undefined)?.['Fn::GetAtt'] as string[] | undefined
    )?.[0];
    const statements = Object.values(resources)
      .filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          ((r.Properties?.Roles as Json[] | undefined) ?? []).some((role) => role.Ref === roleId),
      )
      .flatMap((r) => ((r.Properties?.PolicyDocument as Json)?.Statement as Statement[]) ?? [])
      .filter((s) => s.Effect === 'Allow');
    const names = Object.values(resources)
      .filter(
        (r) => r.Type === 'AWS::SecretsManager::Secret' && typeof r.Properties?.Name === 'string',
      )
      .map((r) => SAMPLE_ARN(String(r.Properties?.Name)));
    // Adopted secrets appear in no statement (access is granted by the managed tag), but each has
    // a rotation schedule naming it.
    const adopted = Object.values(resources)
      .filter((r) => r.Type === 'AWS::SecretsManager::RotationSchedule')
      .flatMap((r) => render(r.Properties?.SecretId, resources) ?? [])
      .filter(isAdoptedSecretArn);
    for (const arn of new Set([...names, ...adopted])) {
      secretCount += 1;
      const missing = SECRET_ACTIONS.filter(
        (action) =>
          !statements.some(
            (s) =>
              actionsOf(s).some((a) => glob(a).test(action)) &&
              resourcesOf(s, resources).some((r) => glob(r).test(arn)),
          ),
      );
      if (missing.length > 0)
        problems.push(`${missing.join(', ')} on ${arn.replace(/-AbCdEf$/, '')}`);
    }
    const parameter = variablesOf(fn[1]).STYTCH_CREDENTIALS_PARAMETER;
    if (typeof parameter === 'string') {
      // A parameter's ARN is arn:…:parameter/<name without its leading "/">.
      const arn = `arn:aws:ssm:us-east-1:123456789012:parameter/${parameter.replace(/^\//, '')}`;
      const allowed = statements.some(
        (s) =>
          actionsOf(s).some((a) => glob(a).test('ssm:GetParameter')) &&
          resourcesOf(s, resources).some((r) => glob(r).test(arn)),
      );
      if (!allowed) problems.push(`ssm:GetParameter on the credentials parameter ${parameter}`);
    }
  }
  if (problems.length > 0) {
    return {
      ...base,
      verdict: 'fail',
      detail: `the synthesized policy in ${cdkOut} does not allow ${problems.join('; ')}`,
      advice:
        'synthesize again from this repository (npx cdk synth); if the policy was changed by hand, grant these actions',
    };
  }
  if (secretCount === 0) {
    return {
      ...base,
      verdict: 'skip',
      detail: `cannot tell: ${cdkOut} holds no rotation function with managed secrets`,
    };
  }
  return {
    ...base,
    verdict: 'ok',
    detail: `the synthesized policy in ${cdkOut} lets the function read and write all ${secretCount} managed secrets and read the credentials parameter; the deployed role is not inspected (\`npx cdk diff\` shows whether it differs)`,
  };
}

function variablesOf(resource: { Properties?: Json }): Json {
  return ((resource.Properties?.Environment as Json | undefined)?.Variables as Json) ?? {};
}

function readTemplates(cdkOut: string): Record<string, { Type?: string; Properties?: Json }>[] {
  const manifestPath = join(cdkOut, 'manifest.json');
  if (!existsSync(manifestPath)) return [];
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Json;
    return Object.values((manifest.artifacts ?? {}) as Record<string, Json>)
      .filter((a) => a.type === 'aws:cloudformation:stack')
      .map((a) => {
        const file = join(cdkOut, String((a.properties as Json | undefined)?.templateFile));
        return (JSON.parse(readFileSync(file, 'utf8')) as Json).Resources as Record<
          string,
          { Type?: string; Properties?: Json }
        >;
      });
  } catch {
    return [];
  }
}

function actionsOf(statement: Statement): string[] {
  const action = statement.Action;
  return Array.isArray(action) ? action : action === undefined ? [] : [action];
}

/** Resource patterns: literals, and Fn::Join with pseudo parameters read as wildcards. */
function resourcesOf(
  statement: Statement,
  resources: Record<string, { Type?: string; Properties?: Json }>,
): string[] {
  const list = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
  return list.flatMap((resource) => {
    const text = render(resource, resources);
    return text === undefined ? [] : [text];
  });
}

function render(
  value: unknown,
  resources: Record<string, { Type?: string; Properties?: Json }>,
): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const json = value as Json;
  if (typeof json.Ref === 'string') {
    if (json.Ref.startsWith('AWS::')) return '*';
    const target = resources[json.Ref];
    // A secret's Ref is its ARN.
    if (
      target?.Type === 'AWS::SecretsManager::Secret' &&
      typeof target.Properties?.Name === 'string'
    ) {
      return `arn:*:secretsmanager:*:*:secret:${target.Properties.Name}-*`;
    }
    return undefined;
  }
  const join = json['Fn::Join'] as [string, unknown[]] | undefined;
  if (Array.isArray(join)) {
    const parts = join[1].map((part) => render(part, resources));
    return parts.some((part) => part === undefined) ? undefined : parts.join(join[0]);
  }
  return undefined;
}

function isAdoptedSecretArn(pattern: string): boolean {
  return /^arn:[^:]+:secretsmanager:[^:*]+:\d{12}:secret:[^*]+-[A-Za-z0-9]{6}$/.test(pattern);
}

function glob(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}
