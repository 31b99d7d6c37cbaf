import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, Registry } from 'prom-client';
import { HttpBalancer } from './http-balancer';
import { writeScrapeTargets, type ScrapeTarget } from './scrape-targets';
import {
  LivenessCounter,
  failuresInRowAfter,
  restartDelayMs,
  type RestartReason,
  type SupervisionPolicy,
} from './supervision-policy';

/** One instance the supervisor runs: which app, its id, its HTTP port and the variables of its own. */
export interface SupervisedInstance {
  /** `catalog`, `catalog-2`, … */
  id: string;
  app: string;
  /** Port of its HTTP server (`/health/*`, `/metrics`): the ops port, or the gateway's API port. */
  httpPort: string;
  /** Variables set for this instance on top of the supervisor's environment. */
  env: Record<string, string>;
  /**
   * Apps whose every instance must be ready before this one starts (the services it calls).
   * Without it, the instance starts once the one before it in the list is ready.
   */
  after?: readonly string[];
  /**
   * Where a replacement runs during a rolling restart (other ports): it starts beside the running
   * process and takes over once ready, so the app never has fewer ready instances (a surge, as
   * Kubernetes' `maxUnavailable: 0`). Callers find it through the service registry. Without it the
   * instance is stopped first and started again on its ports.
   */
  surge?: Placement;
}

/** The ports (and the variables that set them) one process of an instance runs on. */
export interface Placement {
  httpPort: string;
  env: Record<string, string>;
}

export interface SupervisorOptions {
  /** In start order: each is started once the one before is ready. */
  instances: readonly SupervisedInstance[];
  /** Environment of every instance (under its own `env`). */
  childEnv: Record<string, string>;
  /** Working directory of the instances (the repository root). */
  cwd: string;
  /** The script an app runs (`dist/apps/<app>/src/main.js` under `cwd`). */
  scriptOf?: (app: string) => string;
  /** Instance logs (`<id>.log`, appended) and the supervisor's own `supervisor.log`. */
  logDir: string;
  /** Where each running instance is recorded (`<id>.json`), for `npm run down`; none if undefined. */
  stateDir?: string;
  /** Prometheus file-based discovery file kept current (every instance, and the supervisor). */
  targetsFile?: string;
  /** Address of the supervisor's HTTP server (`/metrics`, `/status`, `POST /restart?app=`); port 0: any free. */
  host: string;
  port: number;
  policy: SupervisionPolicy;
  /** Each log line is also passed here (stdout for `npm run up`'s supervisor). */
  echo?: (line: string) => void;
  /**
   * An HTTP balancer in front of one app's instances (the gateway's): it listens here and sends
   * requests to the instances that are ready, none to one that is stopping.
   */
  balancer?: { app: string; host: string; port: number };
}

/** Where an instance is in its life. */
export type Phase = 'starting' | 'ready' | 'backoff' | 'stopping' | 'stopped';

/** An instance as `GET /status` shows it. */
export interface InstanceStatus {
  id: string;
  app: string;
  httpPort: string;
  phase: Phase;
  pid?: number;
  /** Automatic restarts since the supervisor started. */
  restarts: number;
  /** Failures since it was last stable (drives the backoff). */
  failuresInRow: number;
  startedAt?: string;
  lastRestart?: { at: string; reason: RestartReason; exit?: string; delayMs: number };
}

export interface SupervisorStatus {
  pid: number;
  /** True once every instance has been ready (initial start complete). */
  started: boolean;
  /** True if every instance is ready now. */
  ready: boolean;
  instances: InstanceStatus[];
}

interface Member {
  spec: SupervisedInstance;
  /** Where the current process runs: the spec's ports, or its surge placement after an odd number of rolling restarts. */
  placement: Placement;
  phase: Phase;
  child?: ChildProcess;
  startedAt?: number;
  restarts: number;
  failuresInRow: number;
  /** Why the supervisor itself killed the current process (liveness, never ready), if it did. */
  killReason?: RestartReason;
  /** A planned stop (rolling restart, shutdown): its exit is not a failure. */
  planned: boolean;
  liveness: LivenessCounter;
  restartTimer?: NodeJS.Timeout;
  lastRestart?: InstanceStatus['lastRestart'];
  /** During a surge replacement: the process still serving until its replacement is ready. */
  previous?: { child: ChildProcess; placement: Placement };
  /** Resolved when the current process is ready, rejected if it exits first. */
  readyWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }>;
}

/**
 * The supervisor `npm run up` leaves running: it starts the instances in order, each once the one
 * before is ready, and keeps them running. An instance that exits (crash, kill -9), or whose
 * `GET /health/live` fails `livenessFailures` times in a row (a wedged or stopped process: it is
 * then killed with SIGKILL), is started again after a delay that doubles with each failure in a row
 * (reset once it has run `stableAfterMs`). Every restart is a JSON line in `supervisor.log` and is
 * counted in `shopmesh_supervisor_restarts_total{app,instance_id,reason}` on its `/metrics`.
 * A rolling restart (`POST /restart?app=`) stops and starts the app's instances one at a time,
 * each planned stop not counted as a failure.
 */
export class Supervisor {
  private readonly members: Member[];
  private readonly registry = new Registry();
  private readonly restartsTotal: Counter<'app' | 'instance_id' | 'reason'>;
  private readonly instanceUp: Gauge<'app' | 'instance_id'>;
  private server?: Server;
  private started = false;
  private closing = false;
  private readonly logFile: string;
  private readonly balancer?: HttpBalancer;

  constructor(private readonly options: SupervisorOptions) {
    this.members = options.instances.map((spec) => ({
      spec,
      placement: { httpPort: spec.httpPort, env: spec.env },
      phase: 'stopped',
      restarts: 0,
      failuresInRow: 0,
      planned: false,
      liveness: new LivenessCounter(options.policy),
      readyWaiters: [],
    }));
    this.logFile = resolve(options.logDir, 'supervisor.log');
    this.restartsTotal = new Counter({
      name: 'shopmesh_supervisor_restarts_total',
      help: 'Automatic restarts of an instance by the supervisor, by reason (exit, liveness, not_ready).',
      labelNames: ['app', 'instance_id', 'reason'],
      registers: [this.registry],
    });
    this.instanceUp = new Gauge({
      name: 'shopmesh_supervisor_instance_up',
      help: 'Whether the supervised instance runs and answered its last liveness check (1) or not (0).',
      labelNames: ['app', 'instance_id'],
      registers: [this.registry],
    });
    for (const { spec } of this.members) this.instanceUp.set({ app: spec.app, instance_id: spec.id }, 0);
    if (options.balancer) this.balancer = new HttpBalancer(options.balancer);
  }

  /** The balancer's address (`http://host:port`), if the supervisor runs one. */
  get balancerUrl(): string | undefined {
    return this.balancer?.url;
  }

  /** The supervisor's HTTP address once listening (`http://host:port`). */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the supervisor is not listening');
    return `http://${this.options.host}:${address.port}`;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Serves `/metrics`, `/status` and `POST /restart` and writes the scrape targets (its own port known now). */
  async listen(): Promise<void> {
    mkdirSync(this.options.logDir, { recursive: true });
    if (this.options.stateDir) mkdirSync(this.options.stateDir, { recursive: true });
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(this.options.port, this.options.host, () => ok());
    });
    this.server = server;
    await this.balancer?.listen();
    this.writeTargets();
    this.log('info', 'supervisor listening', { event: 'supervisor_started', url: this.url, instances: this.members.length });
  }

  /**
   * Listens (if not yet), then starts every instance once what it waits for is ready (the apps of
   * its `after`, else the instance before it), instances with nothing left to wait for together;
   * resolves once every one has been ready (through restarts, if one fails meanwhile).
   */
  async start(): Promise<void> {
    if (!this.server) await this.listen();
    const readiness = new Map<Member, Promise<void>>();
    const readyOf = (member: Member, chain: readonly Member[]): Promise<void> => {
      const known = readiness.get(member);
      if (known) return known;
      if (chain.includes(member)) {
        throw new Error(`start order: ${[...chain, member].map((m) => m.spec.id).join(' → ')} is a cycle`);
      }
      const i = this.members.indexOf(member);
      const before = member.spec.after
        ? this.members.filter((m) => member.spec.after?.includes(m.spec.app))
        : this.members.slice(Math.max(0, i - 1), i);
      const waits = before.map((m) => readyOf(m, [...chain, member]));
      const ready = Promise.all(waits).then(() => {
        if (this.closing) return;
        this.launch(member);
        return this.untilReady(member);
      });
      readiness.set(member, ready);
      return ready;
    };
    for (const member of this.members) readyOf(member, []).catch(() => undefined);
    await Promise.all(readiness.values()).catch((error: unknown) => {
      if (!this.closing) throw error;
    });
    if (this.closing) return;
    this.started = true;
    this.log('info', 'every instance is ready', { event: 'all_ready' });
  }

  status(): SupervisorStatus {
    return {
      pid: process.pid,
      started: this.started,
      ready: this.members.every((m) => m.phase === 'ready'),
      instances: this.members.map((m) => ({
        id: m.spec.id,
        app: m.spec.app,
        httpPort: m.placement.httpPort,
        phase: m.phase,
        ...(m.child?.pid !== undefined && m.phase !== 'stopped' && m.phase !== 'backoff' ? { pid: m.child.pid } : {}),
        restarts: m.restarts,
        failuresInRow: m.failuresInRow,
        ...(m.startedAt === undefined ? {} : { startedAt: new Date(m.startedAt).toISOString() }),
        ...(m.lastRestart ? { lastRestart: m.lastRestart } : {}),
      })),
    };
  }

  /** The Prometheus text of the supervisor's metrics. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Rolling restart of an app's instances, one at a time, the next only once the one before is
   * ready again. An instance with a surge placement is replaced ({@link replace}); one without is
   * stopped (SIGTERM: it drains) and started again. A planned stop is not counted as a failure.
   */
  async restartApp(app: string): Promise<Array<{ id: string; pid?: number; seconds: number }>> {
    const members = this.members.filter((m) => m.spec.app === app);
    if (members.length === 0) throw new Error(`no instance of ${app} is supervised`);
    const done: Array<{ id: string; pid?: number; seconds: number }> = [];
    for (const member of members) {
      const started = Date.now();
      const surge = member.spec.surge !== undefined && member.phase === 'ready';
      this.log('info', 'planned restart', { event: 'planned_restart', instanceId: member.spec.id, app, surge });
      if (surge) {
        await this.replace(member);
      } else {
        await this.stopMember(member);
        member.failuresInRow = 0;
        this.launch(member);
        await this.untilReady(member);
      }
      done.push({ id: member.spec.id, pid: member.child?.pid, seconds: (Date.now() - started) / 1000 });
    }
    return done;
  }

  /**
   * Replaces an instance's process without a moment with fewer instances ready: the new process
   * starts on the other placement beside the running one, and only once it is ready is the old one
   * taken out of rotation and drained. If the new one exits or is not ready in time, it is stopped
   * and the old one keeps serving (a rollback): the error says why.
   */
  private async replace(member: Member): Promise<void> {
    const previous = { child: member.child as ChildProcess, placement: member.placement };
    const { spec } = member;
    const home: Placement = { httpPort: spec.httpPort, env: spec.env };
    member.previous = previous;
    this.recordState(member, previous.child.pid ?? 0, previous.placement, `${spec.id}-previous`);
    member.placement = previous.placement.httpPort === home.httpPort ? (spec.surge as Placement) : home;
    member.failuresInRow = 0;
    this.launch(member);
    this.writeTargets();
    try {
      await this.untilReady(member);
    } catch (error) {
      const replacement = member.child;
      member.child = previous.child;
      member.placement = previous.placement;
      member.previous = undefined;
      member.phase = 'ready';
      if (replacement) await stopChild(replacement);
      this.forgetState(member, `${spec.id}-previous`);
      this.recordState(member, previous.child.pid ?? 0, previous.placement);
      this.writeTargets();
      this.updateRotation();
      void this.watch(member, previous.child);
      const why = error instanceof Error ? error.message : String(error);
      this.log('warn', 'replacement failed; the previous process keeps serving', {
        event: 'replacement_rolled_back',
        instanceId: spec.id,
        app: spec.app,
        why,
      });
      throw new Error(`${spec.id}: the replacement failed (${why}); rolled back to pid ${previous.child.pid}`);
    }
    member.previous = undefined;
    this.updateRotation();
    await stopChild(previous.child);
    this.forgetState(member, `${spec.id}-previous`);
    this.writeTargets();
    this.log('info', 'instance replaced', {
      event: 'instance_replaced',
      instanceId: spec.id,
      app: spec.app,
      pid: member.child?.pid,
      previousPid: previous.child.pid,
      httpPort: member.placement.httpPort,
    });
  }

  /** Stops supervising; with `instances`, also stops every instance (callers first) and waits for them. */
  async stop(options: { instances: boolean }): Promise<void> {
    this.closing = true;
    for (const member of this.members) clearTimeout(member.restartTimer);
    if (options.instances) {
      for (const member of [...this.members].reverse()) await this.stopMember(member);
    } else {
      for (const member of this.members) member.planned = true;
    }
    await new Promise<void>((ok) => {
      if (!this.server) return ok();
      this.server.close(() => ok());
      this.server.closeAllConnections();
    });
    await this.balancer?.close();
    this.log('info', 'supervisor stopped', { event: 'supervisor_stopped', instancesStopped: options.instances });
  }

  private launch(member: Member): void {
    const { spec } = member;
    clearTimeout(member.restartTimer);
    member.killReason = undefined;
    member.planned = false;
    member.liveness.reset();
    const out = openSync(resolve(this.options.logDir, `${spec.id}.log`), 'a');
    const script = this.options.scriptOf?.(spec.app) ?? resolve(this.options.cwd, `dist/apps/${spec.app}/src/main.js`);
    // its own process group: a Ctrl-C or a signal to the supervisor's group does not reach it
    const child = spawn(process.execPath, [script], {
      cwd: this.options.cwd,
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...this.options.childEnv, ...member.placement.env },
    });
    closeSync(out);
    member.child = child;
    member.phase = 'starting';
    member.startedAt = Date.now();
    child.once('exit', (code, signal) => this.exited(member, child, code, signal));
    if (child.pid !== undefined) this.recordState(member, child.pid, member.placement);
    this.log('info', 'instance started', {
      event: 'instance_started',
      instanceId: spec.id,
      app: spec.app,
      pid: child.pid,
      httpPort: member.placement.httpPort,
    });
    void this.watch(member, child);
  }

  /** Readiness until ready (or killed as never ready), then liveness checks for as long as this process runs. */
  private async watch(member: Member, child: ChildProcess): Promise<void> {
    const { policy } = this.options;
    const base = `http://127.0.0.1:${member.placement.httpPort}`;
    const current = () => member.child === child && child.exitCode === null && child.signalCode === null;
    const answers = async (path: string, timeoutMs: number) => {
      try {
        const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer();
        return res.status === 200;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + policy.readyTimeoutMs;
    while (current() && member.phase === 'starting') {
      if (await answers('/health/ready', policy.livenessTimeoutMs + 1000)) {
        if (!current()) return;
        member.phase = 'ready';
        this.instanceUp.set({ app: member.spec.app, instance_id: member.spec.id }, 1);
        this.log('info', 'instance ready', {
          event: 'instance_ready',
          instanceId: member.spec.id,
          app: member.spec.app,
          pid: child.pid,
          afterMs: Date.now() - (member.startedAt ?? Date.now()),
        });
        this.updateRotation();
        for (const waiter of member.readyWaiters.splice(0)) waiter.resolve();
        break;
      }
      if (Date.now() > deadline) {
        this.kill(member, child, 'not_ready', `not ready after ${policy.readyTimeoutMs} ms`);
        return;
      }
      await sleep(250);
    }
    while (current() && member.phase === 'ready') {
      await sleep(policy.livenessIntervalMs);
      if (!current() || member.phase !== 'ready') return;
      const live = await answers('/health/live', policy.livenessTimeoutMs);
      if (!current() || member.phase !== 'ready') return;
      const verdict = member.liveness.record(live);
      this.instanceUp.set({ app: member.spec.app, instance_id: member.spec.id }, live ? 1 : 0);
      if (verdict === 'failing') {
        this.log('warn', 'liveness check failed', {
          event: 'liveness_failed',
          instanceId: member.spec.id,
          app: member.spec.app,
          pid: child.pid,
          failuresInRow: member.liveness.failuresInRow,
        });
      } else if (verdict === 'dead') {
        this.kill(member, child, 'liveness', `${member.liveness.failuresInRow} liveness checks failed in a row`);
        return;
      }
    }
  }

  /** SIGKILL (it works on a stopped or wedged process too); the exit handler restarts it. */
  private kill(member: Member, child: ChildProcess, reason: RestartReason, why: string): void {
    member.killReason = reason;
    this.log('warn', `killing the instance: ${why}`, {
      event: 'instance_killed',
      instanceId: member.spec.id,
      app: member.spec.app,
      pid: child.pid,
      reason,
    });
    child.kill('SIGKILL');
  }

  private exited(member: Member, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (member.child !== child) return;
    this.forgetState(member);
    this.instanceUp.set({ app: member.spec.app, instance_id: member.spec.id }, 0);
    const exit = signal ? `signal ${signal}` : `code ${code}`;
    const waiters = member.readyWaiters.splice(0);
    const wasReady = member.phase === 'ready';
    member.phase = 'stopped';
    if (wasReady) this.updateRotation();
    if (member.previous) {
      // a replacement that died: the rolling restart rolls back to the previous process
      for (const waiter of waiters) waiter.reject(new Error(`the new process exited (${exit})`));
      return;
    }
    if (member.planned || this.closing) {
      member.phase = 'stopped';
      for (const waiter of waiters) waiter.reject(new Error(`${member.spec.id} was stopped`));
      this.log('info', 'instance stopped', { event: 'instance_stopped', instanceId: member.spec.id, app: member.spec.app, exit });
      return;
    }
    const reason = member.killReason ?? 'exit';
    const ranForMs = Date.now() - (member.startedAt ?? Date.now());
    member.failuresInRow = failuresInRowAfter(this.options.policy, member.failuresInRow, ranForMs);
    const delayMs = restartDelayMs(this.options.policy, member.failuresInRow);
    member.phase = 'backoff';
    member.lastRestart = { at: new Date().toISOString(), reason, exit, delayMs };
    this.log('warn', `instance failed (${reason}, ${exit}); restarting in ${delayMs} ms`, {
      event: 'instance_failed',
      instanceId: member.spec.id,
      app: member.spec.app,
      pid: child.pid,
      reason,
      exit,
      ranForMs,
      failuresInRow: member.failuresInRow,
      delayMs,
    });
    member.restartTimer = setTimeout(() => {
      if (this.closing || member.phase !== 'backoff') return;
      member.restarts += 1;
      this.restartsTotal.inc({ app: member.spec.app, instance_id: member.spec.id, reason });
      this.launch(member);
      this.log('warn', 'instance restarted', {
        event: 'instance_restarted',
        instanceId: member.spec.id,
        app: member.spec.app,
        pid: member.child?.pid,
        reason,
        restarts: member.restarts,
      });
    }, delayMs);
    // an initial start waiting for this instance keeps waiting for the restarted process
    member.readyWaiters.push(...waiters);
  }

  /** Resolves once the member is ready (through restarts, if it fails meanwhile); rejects if it is stopped. */
  private untilReady(member: Member): Promise<void> {
    if (member.phase === 'ready') return Promise.resolve();
    return new Promise((ok, fail) => member.readyWaiters.push({ resolve: ok, reject: fail }));
  }

  /** A planned stop: out of rotation, then SIGTERM (the app drains), SIGKILL after 30 s; a pending restart is cancelled. */
  private async stopMember(member: Member): Promise<void> {
    clearTimeout(member.restartTimer);
    member.planned = true;
    const child = member.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      member.phase = 'stopped';
      return;
    }
    member.phase = 'stopping';
    this.updateRotation();
    await stopChild(child);
  }

  /** The balancer's rotation: every ready instance of its app, and a process being replaced until its replacement is ready. */
  private updateRotation(): void {
    if (!this.balancer || !this.options.balancer) return;
    const { app } = this.options.balancer;
    this.balancer.setRotation(
      this.members
        .filter((m) => m.spec.app === app)
        .flatMap((m) => [
          ...(m.previous ? [{ id: `${m.spec.id}-previous`, port: Number(m.previous.placement.httpPort) }] : []),
          ...(m.phase === 'ready' ? [{ id: m.spec.id, port: Number(m.placement.httpPort) }] : []),
        ]),
    );
  }

  /** What `npm run down` reads: one file per process (`<id>-previous` while one is being replaced). */
  private recordState(member: Member, pid: number, placement: Placement, id = member.spec.id): void {
    if (!this.options.stateDir) return;
    const { app } = member.spec;
    writeFileSync(
      resolve(this.options.stateDir, `${id}.json`),
      JSON.stringify({ id, app, pid, httpPort: placement.httpPort, env: placement.env }),
    );
  }

  private forgetState(member: Member, id = member.spec.id): void {
    if (this.options.stateDir) rmSync(resolve(this.options.stateDir, `${id}.json`), { force: true });
  }

  private writeTargets(): void {
    if (!this.options.targetsFile) return;
    const targets: ScrapeTarget[] = this.members.map((m) => ({
      address: `127.0.0.1:${m.placement.httpPort}`,
      app: m.spec.app,
      instanceId: m.spec.id,
    }));
    targets.push({ address: `${this.options.host}:${this.port}`, app: 'supervisor', instanceId: 'supervisor' });
    writeScrapeTargets(this.options.targetsFile, targets);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://supervisor');
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const json = (status: number, body: unknown) => send(status, 'application/json; charset=utf-8', JSON.stringify(body));
    try {
      if (req.method === 'GET' && url.pathname === '/metrics') {
        send(200, this.registry.contentType, await this.metrics());
      } else if (req.method === 'GET' && url.pathname === '/status') {
        json(200, this.status());
      } else if (req.method === 'GET' && url.pathname === '/health/live') {
        json(200, { status: 'ok' });
      } else if (req.method === 'POST' && url.pathname === '/restart') {
        const app = url.searchParams.get('app') ?? '';
        if (!this.members.some((m) => m.spec.app === app)) {
          json(404, { code: 'SUPERVISOR.UNKNOWN_APP', title: `no instance of '${app}' is supervised` });
          return;
        }
        json(200, { restarted: await this.restartApp(app) });
      } else {
        json(404, { code: 'SUPERVISOR.NOT_FOUND', title: `${req.method} ${url.pathname}: no such endpoint` });
      }
    } catch (error) {
      json(500, { code: 'SUPERVISOR.FAILED', title: error instanceof Error ? error.message : String(error) });
    }
  }

  private log(level: 'info' | 'warn', msg: string, fields: Record<string, unknown>): void {
    const line = JSON.stringify({ time: new Date().toISOString(), level, context: 'supervisor', msg, ...fields });
    appendFileSync(this.logFile, `${line}\n`);
    this.options.echo?.(line);
  }
}

/** SIGTERM (the app drains), SIGKILL after 30 s; resolves once the process has exited. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
