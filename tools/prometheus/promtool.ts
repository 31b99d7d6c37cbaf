import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../..');

/** Where the rules and their unit tests live, relative to the repository. */
export const RULE_FILES = 'deploy/prometheus/rules';
export const RULE_TESTS = 'deploy/prometheus/tests';

export interface PromtoolResult {
  ok: boolean;
  /** What promtool printed, stdout then stderr (it reports lint problems on either). */
  output: string;
}

/**
 * Runs Prometheus' `promtool` (Debian's `prometheus` package installs it; CI installs that package)
 * in the repository root. Missing promtool is an error that says how to install it, never a skip.
 */
export function promtool(args: readonly string[], input?: string): PromtoolResult {
  const run = spawnSync('promtool', args, { cwd: REPO_ROOT, input, encoding: 'utf8', timeout: 60_000 });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'promtool is not installed: `apt-get install prometheus` (Debian) or put Prometheus’ promtool on PATH'
        : `promtool ${args.join(' ')} failed to run: ${run.error.message}`,
    );
  }
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}

/** `promtool check metrics` on one `/metrics` text: `ok` only when it finds no problem. */
export function checkMetrics(exposition: string): PromtoolResult {
  return promtool(['check', 'metrics'], exposition);
}
