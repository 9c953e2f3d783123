/**
 * `lease transfer <secret>`: makes <secret> the owner of the Stytch client its value names, after the
 * secret that owned it was deleted or re-pointed. The lease table refuses a second secret naming an
 * owned client (CLIENT_CLAIMED), so that two secrets never rotate one client against each other;
 * this is the one way to move a client, and it refuses while the old owner still names the client
 * or any actor holds the client's lease.
 */
import { DescribeSecretCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { clientIdOfSecret } from '../../../lambda/lease/client-of-secret.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';

const COMMAND = 'lease transfer';

export async function leaseTransferCommand(ctx: CliContext, secretId: string): Promise<ExitCode> {
  const table = ctx.leaseTable();
  const metadata = await ctx.managedSecret(secretId);
  const clientId = await clientIdOfSecret(ctx.store, metadata);
  const record = await table.read(clientId);
  const now = () => ctx.io.clock.now().getTime();
  if (record?.secretArn === metadata.arn) {
    ctx.io.out(`${COMMAND}: nothing to do: ${metadata.name} already owns ${clientId}`);
    return EXIT.ok;
  }
  if (record !== undefined && (await stillNames(ctx, record.secretArn, clientId))) {
    throw new CliError(
      EXIT.refused,
      `${COMMAND}: refused: ${record.secretArn} still names ${clientId}; delete it or point it at ` +
        'another client first, so that only one secret rotates the client',
    );
  }
  const from = record?.secretArn;
  await confirm(
    ctx,
    COMMAND,
    `Make ${metadata.name} the owner of Stytch client ${clientId}${from === undefined ? '' : ` (owned by ${from}, which no longer names it)`}?`,
  );
  if (!(await table.transfer(clientId, from, metadata.arn, now()))) {
    throw new CliError(
      EXIT.refused,
      `${COMMAND}: not done: ${clientId} is leased or changed hands meanwhile; run it again`,
    );
  }
  ctx.io.out(`${COMMAND}: done: ${metadata.name} owns ${clientId}`);
  return EXIT.ok;
}

/** True unless the secret is gone (deleted or scheduled for deletion) or names another client. */
async function stillNames(ctx: CliContext, secretArn: string, clientId: string): Promise<boolean> {
  try {
    const owner = await ctx.secretsManager.send(new DescribeSecretCommand({ SecretId: secretArn }));
    if (owner.DeletedDate !== undefined) return false;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
  return (await clientIdOfSecret(ctx.store, await ctx.store.describe(secretArn))) === clientId;
}
