import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeScrapeTargets } from './scrape-targets';

describe('writeScrapeTargets', () => {
  it("writes Prometheus's file_sd format, one labelled group per instance, replacing the file whole", () => {
    const dir = mkdtempSync(join(tmpdir(), 'targets-'));
    try {
      const file = join(dir, 'prometheus', 'targets.json');
      writeScrapeTargets(file, [{ address: '127.0.0.1:9101', app: 'identity', instanceId: 'identity' }]);
      writeScrapeTargets(file, [
        { address: '127.0.0.1:9105', app: 'orders', instanceId: 'orders' },
        { address: '127.0.0.1:9115', app: 'orders', instanceId: 'orders-2' },
      ]);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([
        { targets: ['127.0.0.1:9105'], labels: { app: 'orders', instance_id: 'orders' } },
        { targets: ['127.0.0.1:9115'], labels: { app: 'orders', instance_id: 'orders-2' } },
      ]);
      expect(readdirSync(join(dir, 'prometheus'))).toEqual(['targets.json']); // no temporary file left
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
