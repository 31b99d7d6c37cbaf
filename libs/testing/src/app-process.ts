import { APP_NODE_FLAGS } from '@shopmesh/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './test-env';
import { waitUntil } from './wait-until';

/**
 * One ShopMesh app running as a real process from the build (`dist/`), its output in a log
 * file the test can read. For end-to-end tests that stop, kill and restart services.
 */
export class AppProcess {
  private child?: ChildProcess;
  private exit?: Promise<number | null>;
  readonly logFile: string;

  constructor(
    readonly app: string,
    readonly env: Record<string, string>,
    /** The app's HTTP port (ops port, or the gateway's API port). */
    readonly httpPort: number,
    /** Options of `node` itself (`--cpu-prof`, which NODE_OPTIONS does not allow). */
    readonly nodeArgs: readonly string[] = [],
  ) {
    const dir = resolve(REPO_ROOT, '.run/test-logs');
    mkdirSync(dir, { recursive: true });
    this.logFile = resolve(dir, `${app}-${process.pid}-${httpPort}.log`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** The process id while it runs (benchmarks read its CPU time from it). */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  /** Starts the process and resolves once `/health/live` answers (within `timeoutMs`). */
  async start(timeoutMs = 30_000): Promise<this> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      throw new Error(`${this.app} is already running (pid ${this.child.pid})`);
    }
    const out = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(
      process.execPath,
      [...APP_NODE_FLAGS, ...this.nodeArgs, resolve(REPO_ROOT, `dist/apps/${this.app}/src/main.js`)],
      {
        env: { PATH: process.env.PATH ?? '', ...this.env },
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    this.child = child;
    this.exit = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    await waitUntil(
      `${this.app} answers /health/live`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.app} exited with ${child.exitCode}: ${this.logs().slice(-2000)}`);
        const res = await fetch(`${this.url}/health/live`);
        return res.ok;
      },
      { timeoutMs, intervalMs: 200 },
    );
    return this;
  }

  /** SIGTERM, then resolves with the exit code (SIGKILL after `timeoutMs`). */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || !this.exit) return child?.exitCode ?? null;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exit;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL: the process gets no chance to clean up. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exit;
  }

  /** Sends SIGTERM without waiting. */
  signalTerm(): void {
    this.child?.kill('SIGTERM');
  }

  /** Resolves with the exit code once the process has exited. */
  exited(): Promise<number | null> {
    return this.exit ?? Promise.resolve(null);
  }

  /** Everything the process wrote so far. */
  logs(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** The JSON log lines written so far (non-JSON lines are skipped). */
  logLines(): Array<Record<string, unknown>> {
    return this.logs()
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }
}
