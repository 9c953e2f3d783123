/**
 * The scratch app another team would write: plain ESM JavaScript run by node (no tsx, no esbuild),
 * with its own KMS key, its own `new Secret` and a secret it adopts by name, plus a TypeScript file
 * that only type-checks against the package's declarations.
 */

/** The CDK app: synthesizes into ./cdk.out with asset metadata, as the CDK CLI would. */
export const APP_MJS = `
import { writeFileSync } from 'node:fs';
import { App, SecretValue, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { StytchSecretRotation } from 'stytch-secret-rotation';

const app = new App({ outdir: 'cdk.out', context: { 'aws:cdk:enable-asset-metadata': true } });
const stack = new Stack(app, 'ScratchStack');
const key = new kms.Key(stack, 'OwnKey', { enableKeyRotation: true });
const own = new secretsmanager.Secret(stack, 'OwnSecret', {
  secretName: 'team/own-m2m',
  encryptionKey: key,
  secretObjectValue: {
    client_id: SecretValue.unsafePlainText('m2m-client-test-66666666-7777-4888-9999-000000000000'),
  },
});
const legacy = secretsmanager.Secret.fromSecretNameV2(stack, 'Legacy', 'team/legacy-connected-app');
new StytchSecretRotation(stack, 'Rotation', {
  clients: [
    { clientId: 'connected-app-test-11111111-2222-4333-8444-555555555555', existingSecret: legacy },
    { clientId: 'm2m-client-test-66666666-7777-4888-9999-000000000000', existingSecret: own },
    { clientId: 'm2m-client-test-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' },
  ],
  credentialsParameter: '/team/stytch-credentials',
  encryptionKey: key,
  scheduleExpression: 'cron(0 4 ? * MON *)',
});
app.synth();

// A Terraform or SAM build step would find the deployable zip the same way.
writeFileSync('function-zip-url.txt', import.meta.resolve('stytch-secret-rotation/function.zip'));
`;

/** Type-checks against the package's .d.ts files; the expected error proves the types are real. */
export const CONSUMER_TS = `
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  StytchSecretRotation,
  type StytchSecretRotationProps,
  StytchRotationConfigError,
} from 'stytch-secret-rotation';

const stack = new Stack(new App(), 'Types');
const props: StytchSecretRotationProps = {
  clients: [
    {
      clientId: 'm2m-client-test-1',
      existingSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'team/s'),
    },
  ],
  credentialsParameter: '/team/stytch-credentials',
  completionDelay: Duration.minutes(30),
};
const rotation: StytchSecretRotation = new StytchSecretRotation(stack, 'Rotation', props);
const namespace: string = rotation.metricsNamespace;
const problems: readonly string[] = new StytchRotationConfigError(['x']).problems;
// @ts-expect-error reservedConcurrentExecutions is a number
const wrong: StytchSecretRotationProps = { ...props, reservedConcurrentExecutions: 'ten' };
export { namespace, problems, wrong };
`;

export const TSCONFIG_JSON = JSON.stringify({
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  },
  files: ['consumer.ts'],
});
