import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RULE_FILES, RULE_TESTS, promtool } from './promtool';

const REPO_ROOT = resolve(__dirname, '../..');
const read = (path: string): string => readFileSync(resolve(REPO_ROOT, path), 'utf8');
const filesIn = (dir: string, suffix: string): string[] =>
  readdirSync(resolve(REPO_ROOT, dir))
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(dir, f));

/** Alert names of a rule file (each `- alert: Name` line). */
const alertsOf = (text: string): string[] => [...text.matchAll(/^\s*- alert: (\S+)\s*$/gm)].map((m) => m[1] ?? '');

/** The cases of a rule test file: each `- eval_time:` block, its alert and whether it expects it firing. */
const casesOf = (text: string): Array<{ alertname: string; firing: boolean }> =>
  text
    .split(/^\s*- eval_time:/m)
    .slice(1)
    .flatMap((block) => {
      const alertname = /^\s*alertname: (\S+)\s*$/m.exec(block)?.[1];
      if (!alertname) return [];
      return [{ alertname, firing: !/^\s*exp_alerts: \[\]\s*$/m.test(block) }];
    });

describe('Prometheus rules (deploy/prometheus)', () => {
  const rules = filesIn(RULE_FILES, '.yml');
  const tests = filesIn(RULE_TESTS, '.test.yml');

  it('pass `promtool check rules`', () => {
    const result = promtool(['check', 'rules', ...rules]);
    if (!result.ok) throw new Error(`promtool check rules failed:\n${result.output}`);
    expect(result.output).toMatch(/SUCCESS/);
  });

  it('pass their `promtool test rules` unit tests', () => {
    const result = promtool(['test', 'rules', ...tests]);
    if (!result.ok) throw new Error(`promtool test rules failed:\n${result.output}`);
    expect(result.output.match(/SUCCESS/g)).toHaveLength(tests.length);
  });

  it('test every alert both firing and not firing, and give each a runbook entry', () => {
    expect(tests.map((t) => t.slice(RULE_TESTS.length + 1, -'.test.yml'.length))).toEqual(
      rules.map((r) => r.slice(RULE_FILES.length + 1, -'.yml'.length)),
    );
    const alerts = rules.flatMap((r) => alertsOf(read(r)));
    const cases = tests.flatMap((t) => casesOf(read(t)));
    const runbook = read('docs/operations.md');
    expect(alerts).toContain('ShopMeshInstanceDown');
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect({ alert, firing: mine.some((c) => c.firing) }).toEqual({ alert, firing: true });
      expect({ alert, quiet: mine.some((c) => !c.firing) }).toEqual({ alert, quiet: true });
      expect({ alert, runbook: runbook.includes(`### ${alert}`) }).toEqual({ alert, runbook: true });
    }
  });
});
