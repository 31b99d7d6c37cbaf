import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RULE_FILES_GLOB, prometheusConfig } from './local-prometheus';

describe('prometheusConfig', () => {
  it('is a configuration promtool accepts: the shopmesh job from the targets file, the repository rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prometheus-config-'));
    try {
      const targetsFile = join(dir, 'targets.json');
      writeFileSync(targetsFile, '[{"targets":["127.0.0.1:9101"],"labels":{"app":"identity","instance_id":"identity"}}]\n');
      const config = prometheusConfig({
        targetsFile,
        ruleFiles: [RULE_FILES_GLOB],
        scrapeIntervalSeconds: 5,
        evaluationIntervalSeconds: 5,
      });
      writeFileSync(join(dir, 'prometheus.yml'), config);
      expect(config).toContain('job_name: shopmesh');
      const check = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
      expect({ status: check.status, out: check.stdout + check.stderr }).toEqual({
        status: 0,
        out: expect.stringContaining('SUCCESS'),
      });
      // the rules it loads include the instance-down alert
      expect(check.stdout).toContain('deploy/prometheus/rules/availability.yml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
