import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@shopmesh/testing';
import { loadInfraConfig, type InfraConfig } from './infra-config';
import { waitUntil } from './wait-until';
import { localZipkinFailure, startLocalZipkin, stopLocalZipkin, zipkinAnswers } from './zipkin/local-zipkin';

/**
 * A Zipkin server of the test's own (own port, own pid file), from the shared jar cache (fetched
 * with Maven on first use), so a suite can read the traces its platform exported.
 */
export class PrivateZipkin {
  private constructor(private readonly config: InfraConfig) {}

  static async create(): Promise<PrivateZipkin> {
    const base = loadInfraConfig();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'shopmesh-zipkin-'));
    return new PrivateZipkin({ ...base, zipkin: { url, host: '127.0.0.1', port, enabled: true }, dataDir });
  }

  /** Base URL: apps post to `<url>/api/v2/spans`, tests read `<url>/api/v2/trace/<id>`. */
  get url(): string {
    return this.config.zipkin.url;
  }

  async start(): Promise<void> {
    startLocalZipkin(this.config, () => undefined);
    await waitUntil(`Zipkin at ${this.url}`, () => zipkinAnswers(this.url), {
      timeoutMs: 120_000,
      failIf: () => localZipkinFailure(this.config),
    });
  }

  async destroy(): Promise<void> {
    await stopLocalZipkin(this.config);
    rmSync(this.config.dataDir, { recursive: true, force: true });
  }
}
