import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withFileLock } from './file-lock';
import { REPO_ROOT, type InfraConfig } from './infra-config';
import { isAlive, ownedPid, readPidFile, stopPid, tailOf } from './processes';

/** The Prometheus binary the launcher runs (Debian's `prometheus` package puts it on PATH). */
export const PROMETHEUS_BINARY = 'prometheus';

/** The alert and recording rules of the repository, loaded by every Prometheus the launcher starts. */
export const RULE_FILES_GLOB = resolve(REPO_ROOT, 'deploy/prometheus/rules/*.yml');

/** The targets file `npm run up`'s supervisor keeps current (file-based service discovery). */
export const TARGETS_FILE = resolve(REPO_ROOT, '.run/prometheus/targets.json');

export interface PrometheusConfigOptions {
  /** `file_sd_configs` file of the `shopmesh` job. */
  targetsFile: string;
  /** Rule files (globs allowed). */
  ruleFiles: readonly string[];
  scrapeIntervalSeconds: number;
  evaluationIntervalSeconds: number;
}

/**
 * A Prometheus configuration: one scrape job, `shopmesh`, whose targets come from `targetsFile`
 * (the supervisor writes one entry per instance, labelled `app` and `instance_id`), and the rules.
 * A target's scrape timeout is its interval (at most 10 s, Prometheus's default). `honor_labels`:
 * a series's own `app`/`instance_id` (the supervisor's restart counter of `orders`) is kept, not
 * renamed `exported_*` under the scraped target's labels.
 */
export function prometheusConfig(options: PrometheusConfigOptions): string {
  const scrape = `${options.scrapeIntervalSeconds}s`;
  const timeout = `${Math.min(options.scrapeIntervalSeconds, 10)}s`;
  return [
    '# Written by the ShopMesh launcher (tools/infra/local-prometheus.ts): edits are overwritten.',
    'global:',
    `  scrape_interval: ${scrape}`,
    `  scrape_timeout: ${timeout}`,
    `  evaluation_interval: ${options.evaluationIntervalSeconds}s`,
    'rule_files:',
    ...options.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`),
    'scrape_configs:',
    '  - job_name: shopmesh',
    '    metrics_path: /metrics',
    // the supervisor's series name the instance they are about (instance_id="orders"): theirs win
    '    honor_labels: true',
    '    file_sd_configs:',
    `      - files: [${JSON.stringify(options.targetsFile)}]`,
    `        refresh_interval: ${scrape}`,
    '',
  ].join('\n');
}

export interface PrometheusProcessOptions {
  /** Holds `prometheus.yml`, `data/`, `prometheus.log` and `prometheus.pid`. */
  dir: string;
  host: string;
  port: number;
  config: PrometheusConfigOptions;
}

/**
 * Starts `prometheus` detached: the configuration written to `<dir>/prometheus.yml`, its TSDB in
 * `<dir>/data`, `--web.enable-lifecycle` (so `POST /-/reload` re-reads the configuration). An
 * empty targets file is created if none exists yet. Readiness (`GET /-/ready`) is the caller's wait.
 *
 * @returns its pid
 */
export function startPrometheusProcess(options: PrometheusProcessOptions): number {
  const { dir, host, port, config } = options;
  mkdirSync(resolve(dir, 'data'), { recursive: true });
  const configFile = resolve(dir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfig(config));
  if (!existsSync(config.targetsFile)) {
    mkdirSync(resolve(config.targetsFile, '..'), { recursive: true });
    writeFileSync(config.targetsFile, '[]\n');
  }
  const out = openSync(resolve(dir, 'prometheus.log'), 'a');
  const child = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${resolve(dir, 'data')}`,
      '--storage.tsdb.retention.time=2d',
      `--web.listen-address=${host}:${port}`,
      '--web.enable-lifecycle',
    ],
    { cwd: dir, detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new Error(`Prometheus: ${PROMETHEUS_BINARY} did not start`);
  writeFileSync(resolve(dir, 'prometheus.pid'), `${child.pid}\n`);
  return child.pid;
}

/** True if a Prometheus answers `GET /-/ready` at `url`. */
export async function prometheusAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/$/, '')}/-/ready`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

const dirOf = (config: InfraConfig): string => resolve(config.dataDir, 'prometheus');

/** Pid of the Prometheus this launcher started, if it still runs. */
export function localPrometheusPid(config: InfraConfig): number | undefined {
  return ownedPid(resolve(dirOf(config), 'prometheus.pid'), [PROMETHEUS_BINARY, dirOf(config)]);
}

/** Why the Prometheus just started is not coming up (it exited), or undefined while it may. */
export function localPrometheusFailure(config: InfraConfig): string | undefined {
  const pid = readPidFile(resolve(dirOf(config), 'prometheus.pid'));
  if (pid === undefined || isAlive(pid)) return undefined;
  const log = resolve(dirOf(config), 'prometheus.log');
  return `the local prometheus exited (see ${log}): ${tailOf(log, 3)}`;
}

/**
 * The repository's Prometheus: data in `.data/prometheus`, scraping the instances of the
 * supervisor's targets file every 5 s, rules of `deploy/prometheus/rules` evaluated every 5 s.
 */
export function startLocalPrometheus(config: InfraConfig, log: (line: string) => void): number {
  const dir = dirOf(config);
  return withFileLock(resolve(config.dataDir, 'prometheus.lock'), 30_000, () => {
    const running = localPrometheusPid(config);
    if (running !== undefined) return running;
    const { host, port } = config.prometheus;
    const pid = startPrometheusProcess({
      dir,
      host,
      port,
      config: { targetsFile: TARGETS_FILE, ruleFiles: [RULE_FILES_GLOB], scrapeIntervalSeconds: 5, evaluationIntervalSeconds: 5 },
    });
    log(`prometheus: started a local prometheus (pid ${pid}) on ${host}:${port}, data in ${dir}`);
    return pid;
  });
}

/** Stops the Prometheus this launcher started (SIGTERM, up to 20 s, then SIGKILL); never another. */
export async function stopLocalPrometheus(config: InfraConfig): Promise<boolean> {
  const pid = localPrometheusPid(config);
  if (pid === undefined) return false;
  await stopPid(pid, 20_000);
  rmSync(resolve(dirOf(config), 'prometheus.pid'), { force: true });
  return true;
}
