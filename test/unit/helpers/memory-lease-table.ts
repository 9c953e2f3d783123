/**
 * A LeaseTable in memory with the conditions of the DynamoDB one, for unit tests that need an actor
 * to hold leases without a local cloud. The DynamoDB table itself is tested against dynalite
 * (test/unit/lease/lease-table.test.ts).
 */
import type { LeaseRecord, LeaseTable } from '../../../lambda/lease/lease-table.ts';

export class MemoryLeaseTable implements LeaseTable {
  readonly records = new Map<string, LeaseRecord>();
  /** Every call, as `tryAcquire`, `release`, … */
  readonly calls: string[] = [];

  async tryAcquire(claim: Parameters<LeaseTable['tryAcquire']>[0], now: number): Promise<boolean> {
    this.calls.push('tryAcquire');
    const record = this.records.get(claim.clientId);
    const free =
      record === undefined ||
      (record.secretArn === claim.secretArn &&
        (record.holder === undefined ||
          (record.expiresAt ?? 0) < now ||
          record.holder === claim.holder));
    if (free) this.records.set(claim.clientId, { ...claim });
    return free;
  }

  async read(clientId: string): Promise<LeaseRecord | undefined> {
    this.calls.push('read');
    return this.records.get(clientId);
  }

  async release(clientId: string, holder: string): Promise<boolean> {
    this.calls.push('release');
    const record = this.records.get(clientId);
    if (record?.holder !== holder) return false;
    this.records.set(clientId, { clientId, secretArn: record.secretArn });
    return true;
  }

  async transfer(
    clientId: string,
    fromSecretArn: string | undefined,
    toSecretArn: string,
    now: number,
  ): Promise<boolean> {
    this.calls.push('transfer');
    const record = this.records.get(clientId);
    const allowed =
      fromSecretArn === undefined
        ? record === undefined
        : record?.secretArn === fromSecretArn &&
          (record.holder === undefined || (record.expiresAt ?? 0) < now);
    if (allowed) this.records.set(clientId, { clientId, secretArn: toSecretArn });
    return allowed;
  }
}
