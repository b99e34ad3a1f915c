/**
 * Split by machine (contract section 8, `testExecution.splitByMachine`): one Test Execution per run and machine, as
 * Testsigma's own integration makes them. Each machine's results are a delivery of their own, keyed by a run id
 * derived from the run and the machine, so its Test Execution is found again (and never made twice) exactly like a
 * run's. Pure.
 */
import type { Delivery } from './results-payload';
import { fnv1a64 } from './run-mark';

/** The key of a machine's Test Execution: the run id and a hash of the machine (any text of up to 255 characters). */
export function machineRunId(runId: string, machine: string): string {
  return `${runId}.m-${fnv1a64(machine).slice(0, 12)}`;
}

/** One machine's share of a delivery (`machine` absent: results that named none, which stay in the run's own). */
export interface MachineGroup {
  machine?: string;
  delivery: Delivery;
}

/**
 * The deliveries to sync: the delivery itself when the split is off, when the executor named a Test Execution, or
 * when no result names a machine; else one per machine, in the order machines first appear, each with the machine
 * added to its environments.
 */
export function machineGroups(delivery: Delivery, splitByMachine: boolean): MachineGroup[] {
  if (!splitByMachine || delivery.testExecutionKey || !delivery.results.some((r) => r.machine)) return [{ delivery }];
  const byMachine = new Map<string, Delivery['results']>();
  for (const r of delivery.results) {
    const key = r.machine ?? '';
    byMachine.set(key, [...(byMachine.get(key) ?? []), r]);
  }
  return [...byMachine].map(([machine, results]) => {
    if (machine === '') return { delivery: { ...delivery, results } };
    const environments = [...new Set([...(delivery.environments ?? []), machine])];
    return { machine, delivery: { ...delivery, runId: machineRunId(delivery.runId, machine), environments, results } };
  });
}
