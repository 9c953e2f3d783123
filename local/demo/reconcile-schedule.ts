/**
 * The reconcile on its schedule, as EventBridge would run it: one scheduled event every interval,
 * never two passes at once (a pass still running when the next is due makes that one skip).
 */
import type { ProcessInvoker } from '../process-invoker.ts';

export interface ReconcileSchedule {
  stop(): void;
}

const SCHEDULED_EVENT = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

export function startReconcileSchedule(
  invoke: ProcessInvoker,
  intervalMs: number,
  print: (line: string) => void,
): ReconcileSchedule {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    invoke(SCHEDULED_EVENT)
      .catch((error: unknown) => {
        // RECONCILE_NEEDS_ATTENTION lists every secret that needs a person; show its first line.
        const message = error instanceof Error ? error.message : String(error);
        print(`  reconcile pass failed: ${message.split('\n')[0]}`);
      })
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  return { stop: () => clearInterval(timer) };
}
