/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy`. Configuration comes from cdk.json context (see
 * docs/deploying.md); every configuration problem is reported before anything is built.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadAppConfig } from '../lib/app-config.ts';
import { StytchSecretRotationStack } from '../lib/stytch-secret-rotation-stack.ts';
import { StytchRotationConfigError } from '../lib/validation.ts';

const app = new App();
try {
  const config = loadAppConfig((key) => app.node.tryGetContext(key));
  new StytchSecretRotationStack(app, config.stackName, {
    config,
    description: 'Rotates Stytch Connected App and M2M client secrets in AWS Secrets Manager',
  });
} catch (error) {
  if (!(error instanceof StytchRotationConfigError)) throw error;
  // The problem list is the whole message; a stack trace would only bury it.
  console.error(error.message);
  process.exit(1);
}
// Every AwsSolutions finding fails the synth unless the construct acknowledges it with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
