/**
 * `credentials set`: writes the Stytch project credentials to the SSM SecureString the function
 * reads. Input is JSON on stdin, or two prompts on a terminal (the secret without echo). The value is
 * checked with the function's own parser first, so a value the function would refuse is never
 * written; it is never printed.
 */
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { parseCredentials } from '../../../lambda/stytch/credentials.ts';
import type { CliContext } from '../context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';

export async function credentialsSetCommand(ctx: CliContext): Promise<ExitCode> {
  const { io } = ctx;
  const name = ctx.credentialsParameter();
  const text = io.stdinIsTerminal ? await promptForCredentials(ctx) : await io.readAll();
  // Throws CredentialsError naming the parameter and the problem, never the value.
  const credentials = parseCredentials(name, text.trim() === '' ? undefined : text.trim());
  const value = JSON.stringify({ project_id: credentials.projectId, secret: credentials.secret });
  const out = await ctx.ssm.send(
    new PutParameterCommand({
      Name: name,
      Value: value,
      Type: 'SecureString',
      Overwrite: true,
      ...(ctx.flags.kmsKeyId === undefined ? {} : { KeyId: ctx.flags.kmsKeyId }),
    }),
  );
  io.out(
    `credentials set: wrote ${name} (version ${out.Version ?? '?'}) for project ${credentials.projectId}; ` +
      'running functions pick it up within STYTCH_CREDENTIALS_CACHE_SECONDS',
  );
  return EXIT.ok;
}

async function promptForCredentials(ctx: CliContext): Promise<string> {
  const projectId = await ctx.io.readLine('Stytch project id (project-test-… or project-live-…): ');
  if (projectId === undefined) throw new CliError(EXIT.aborted, 'credentials set: aborted');
  const secret = await ctx.io.readHidden('Stytch project secret (not shown): ');
  if (secret === undefined) throw new CliError(EXIT.aborted, 'credentials set: aborted');
  return JSON.stringify({ project_id: projectId.trim(), secret: secret.trim() });
}
