import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One scrape target: where its `/metrics` answers, and who it is. */
export interface ScrapeTarget {
  /** `host:port` of the instance's HTTP server (the ops port; the gateway's API port). */
  address: string;
  app: string;
  instanceId: string;
}

/** Prometheus's file-based service discovery format: one group per target, labelled with its app and instance. */
export function scrapeTargetGroups(
  instances: readonly ScrapeTarget[],
): Array<{ targets: string[]; labels: { app: string; instance_id: string } }> {
  return instances.map((i) => ({ targets: [i.address], labels: { app: i.app, instance_id: i.instanceId } }));
}

/**
 * Writes the targets file Prometheus's `file_sd_configs` reads, atomically (a temporary file
 * renamed over it): Prometheus re-reads the file when it changes and never sees half of it.
 */
export function writeScrapeTargets(path: string, instances: readonly ScrapeTarget[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(scrapeTargetGroups(instances), null, 2)}\n`);
  renameSync(tmp, path);
}
