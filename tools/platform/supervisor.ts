import { APP_NODE_FLAGS } from '@shopmesh/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, Registry } from 'prom-client';
import { concurrencyLimit, inDependencyOrder } from './dependency-order';
import type { FaultPointStatus, FaultSelector, LinkFault } from './fault-options';
import { FaultPoints } from './fault-points';
import { HttpBalancer } from './http-balancer';
import { errorMessage, faultRequestOf, handleControlRequest, SupervisorError } from './supervisor-api';
import type { ReleaseOptions, ReleaseReport, ReleaseSet } from './release-options';
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
  /** The script an app runs from a build directory (`<dist>/apps/<app>/src/main.js` under `cwd`). */
  scriptOf?: (app: string, dist: string) => string;
  /** Instance logs (`<id>.log`, appended) and the supervisor's own `supervisor.log`. */
  logDir: string;
  /** Where each running instance is recorded (`<id>.json`), for `npm run down`; none if undefined. */
  stateDir?: string;
  /** Prometheus file-based discovery file kept current (every instance, and the supervisor). */
  targetsFile?: string;
  /** Address of the supervisor's HTTP server (`/metrics`, `/status`, `POST /restart?app=`, `POST /release`); port 0: any free. */
  host: string;
  port: number;
  policy: SupervisionPolicy;
  /** Each log line is also passed here (stdout for `npm run up`'s supervisor). */
  echo?: (line: string) => void;
  /**
   * An HTTP balancer in front of one app's instances (the gateway's): it listens here and sends
   * requests to the instances that are ready, none to one that is stopping. A release asks each new
   * instance for `smokePaths` (200 expected; `/health/ready` if absent) before the balancer moves to them.
   */
  balancer?: { app: string; host: string; port: number; smokePaths?: readonly string[] };
  /**
   * Variables of each of the two sets a blue-green release alternates between (`blue`: the one
   * `start()` runs): what keeps them apart while both run, e.g. a registry namespace of their own,
   * so that the new set's callers find only the new set's services until the old set is gone.
   */
  releaseSets?: Record<ReleaseSet, Record<string, string>>;
  /**
   * Puts a fault point (`tools/platform/fault-point.ts`) on every link of every instance before it starts (its Postgres, its
   * Redis, the network in front of its RPC server: `tools/platform/fault-links.ts`), relaying bytes
   * until {@link Supervisor.setFault} injects a fault. Only processes on an instance's own ports go
   * through them: a surge replacement and a blue-green set on the other ports connect directly.
   * The points live as long as the supervisor, so its instances cannot outlive it.
   */
  faultPoints?: boolean;
}

/** What a process runs: the build directory, and the variables its release adds (a set's, an operator's). */
interface Release {
  dist: string;
  env: Record<string, string>;
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
  /** The set serving: `blue` until a release switches to `green`, and so on. */
  set: ReleaseSet;
  /** The restart or release under way, if one is. */
  busy?: string;
  instances: InstanceStatus[];
}

interface Member {
  spec: SupervisedInstance;
  /** The instance's own ports and variables (with fault points, the variables that route it through them). */
  home: Placement;
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
  release: Release;
  /** During a surge replacement or a release: the process still serving until the switch. */
  previous?: Previous;
  /** A release's new process: out of the balancer's rotation until the whole new set switches in. */
  heldOut: boolean;
  /** Resolved when the current process is ready, rejected if it exits first. */
  readyWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }>;
}

/** The process an instance ran before a replacement or a release took over. */
interface Previous {
  child: ChildProcess;
  placement: Placement;
  release: Release;
}

/**
 * The supervisor `npm run up` leaves running: it starts the instances in order, each once the one
 * before is ready, and keeps them running. An instance that exits (crash, kill -9), or whose
 * `GET /health/live` fails `livenessFailures` times in a row (a wedged or stopped process: it is
 * then killed with SIGKILL), is started again after a delay that doubles with each failure in a row
 * (reset once it has run `stableAfterMs`). Every restart is a JSON line in `supervisor.log` and is
 * counted in `shopmesh_supervisor_restarts_total{app,instance_id,reason}` on its `/metrics`.
 * A rolling restart (`POST /restart?app=`) stops and starts the app's instances one at a time,
 * each planned stop not counted as a failure; a release (`POST /release`) starts a whole new set
 * beside the running one and switches to it in one step ({@link Supervisor.release}). With
 * `faultPoints`, every instance reaches its Postgres and Redis, and its callers reach it, through
 * relays of the supervisor's, which inject latency, loss or a partition on request ({@link Supervisor.setFault}).
 */
export class Supervisor {
  private readonly members: Member[];
  private readonly registry = new Registry();
  private readonly restartsTotal: Counter<'app' | 'instance_id' | 'reason'>;
  private readonly instanceUp: Gauge<'app' | 'instance_id'>;
  private readonly faultsTotal: Counter<'app' | 'instance_id' | 'link' | 'mode'>;
  private faultPoints?: FaultPoints;
  private server?: Server;
  private started = false;
  private closing = false;
  private readonly logFile: string;
  private readonly balancer?: HttpBalancer;
  private set: ReleaseSet = 'blue';
  /** The restart or release under way: only one at a time. */
  private busy?: string;

  constructor(private readonly options: SupervisorOptions) {
    this.members = options.instances.map((spec) => ({
      spec,
      home: { httpPort: spec.httpPort, env: spec.env },
      placement: { httpPort: spec.httpPort, env: spec.env },
      phase: 'stopped',
      restarts: 0,
      failuresInRow: 0,
      planned: false,
      release: { dist: 'dist', env: options.releaseSets?.blue ?? {} },
      heldOut: false,
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
    this.faultsTotal = new Counter({
      name: 'shopmesh_supervisor_faults_total',
      help: 'Faults set on a fault point (each change; mode="pass" ends one), by instance, link and mode.',
      labelNames: ['app', 'instance_id', 'link', 'mode'],
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

  /**
   * Serves `/metrics`, `/status`, `POST /restart`, `POST /release` and `/faults`, writes the scrape
   * targets (its own port known now) and, with `faultPoints`, opens the fault points.
   */
  async listen(): Promise<void> {
    mkdirSync(this.options.logDir, { recursive: true });
    if (this.options.stateDir) mkdirSync(this.options.stateDir, { recursive: true });
    if (this.options.faultPoints) await this.openFaultPoints();
    const server = createServer((req, res) => void handleControlRequest(this, req, res));
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
    const readiness = this.inStartOrder(async (member) => {
      if (this.closing) return;
      this.launch(member);
      await this.untilReady(member);
    });
    await Promise.all(readiness.values()).catch((error: unknown) => {
      if (!this.closing) throw error;
    });
    if (this.closing) return;
    this.started = true;
    this.log('info', 'every instance is ready', { event: 'all_ready' });
  }

  /** Steps every instance once what it waits for has stepped: the apps of its `after`, else the instance before it. */
  private inStartOrder(step: (member: Member) => Promise<void>): Map<Member, Promise<void>> {
    return inDependencyOrder(
      this.members,
      (member) => this.dependenciesOf(member),
      step,
      (m) => m.spec.id,
    );
  }

  /** The reverse: every instance once those that wait for it have stepped (callers stop before what they call). */
  private inStopOrder(step: (member: Member) => Promise<void>): Map<Member, Promise<void>> {
    const dependents = (member: Member) => this.members.filter((m) => this.dependenciesOf(m).includes(member));
    return inDependencyOrder(this.members, dependents, step, (m) => m.spec.id);
  }

  private dependenciesOf(member: Member): Member[] {
    const i = this.members.indexOf(member);
    const { after } = member.spec;
    return after ? this.members.filter((m) => after.includes(m.spec.app)) : this.members.slice(Math.max(0, i - 1), i);
  }

  status(): SupervisorStatus {
    return {
      pid: process.pid,
      started: this.started,
      ready: this.members.every((m) => m.phase === 'ready'),
      set: this.set,
      ...(this.busy ? { busy: this.busy } : {}),
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

  /** Every fault point and its fault (none before `listen()`); 409 `SUPERVISOR.FAULT_POINTS_OFF` without `faultPoints`. */
  faults(): FaultPointStatus[] {
    this.requireFaultPoints();
    return this.faultPoints?.status() ?? [];
  }

  /**
   * Sets `fault` on every point of `selector.link`, of one instance or app if it says; answers the
   * points it matched, as they are now. Each change is logged (`fault_set`) and counted
   * (`shopmesh_supervisor_faults_total`); the same fault again changes nothing. Refused: an invalid
   * selector or fault (400 `SUPERVISOR.INVALID_FAULT`), no point matching (422
   * `SUPERVISOR.NO_SUCH_FAULT_POINT`), fault points off (409 `SUPERVISOR.FAULT_POINTS_OFF`).
   */
  setFault(selector: FaultSelector, fault: LinkFault): FaultPointStatus[] {
    this.requireFaultPoints();
    const request = faultRequestOf({ ...selector, fault });
    const { matched, changed } = this.faultPoints?.set(request, request.fault) ?? { matched: [], changed: [] };
    if (matched.length === 0) {
      const which = [request.instance && `instance ${request.instance}`, request.app && `app ${request.app}`].filter(Boolean);
      throw new SupervisorError(
        422,
        'SUPERVISOR.NO_SUCH_FAULT_POINT',
        `no ${request.link} fault point${which.length > 0 ? ` of ${which.join(', ')}` : ''}`,
      );
    }
    for (const { instance, app, link, port, target, fault: now, before } of changed) {
      this.faultsTotal.inc({ app, instance_id: instance, link, mode: now.mode });
      this.log(now.mode === 'pass' ? 'info' : 'warn', `fault point ${instance}/${link}: ${now.mode}`, {
        event: 'fault_set',
        instanceId: instance,
        app,
        link,
        port,
        target,
        fault: now,
        before,
      });
    }
    return matched;
  }

  private requireFaultPoints(): void {
    if (!this.options.faultPoints) {
      throw new SupervisorError(
        409,
        'SUPERVISOR.FAULT_POINTS_OFF',
        'the supervisor runs without fault points (faultPoints: false)',
      );
    }
  }

  /**
   * A point on every link of every instance, before any starts; each instance's own placement gets
   * the variables that route it through its points. Surge placements keep theirs: a replacement or
   * a blue-green set on the other ports connects directly, and only a process back on the instance's
   * own ports goes through the points again.
   */
  private async openFaultPoints(): Promise<void> {
    if (this.faultPoints) return;
    const { points, routes } = await FaultPoints.open(
      this.members.map((m) => ({ id: m.spec.id, app: m.spec.app, env: m.spec.env })),
      this.options.childEnv,
    );
    this.faultPoints = points;
    for (const member of this.members) {
      member.home = { httpPort: member.spec.httpPort, env: { ...member.spec.env, ...routes.get(member.spec.id) } };
      if (!member.child) member.placement = member.home;
    }
    this.log('info', `${points.size} fault points open, passing bytes through`, {
      event: 'fault_points_open',
      points: points.status().map(({ instance, link, port, target }) => ({ instance, link, port, target })),
    });
  }

  /**
   * Rolling restart of an app's instances, one at a time, the next only once the one before is
   * ready again. An instance with a surge placement is replaced ({@link replace}); one without is
   * stopped (SIGTERM: it drains) and started again. A planned stop is not counted as a failure.
   */
  async restartApp(app: string): Promise<Array<{ id: string; pid?: number; seconds: number }>> {
    const members = this.members.filter((m) => m.spec.app === app);
    if (members.length === 0) throw new SupervisorError(404, 'SUPERVISOR.UNKNOWN_APP', `no instance of '${app}' is supervised`);
    return this.exclusively(`restart of ${app}`, async () => {
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
    });
  }

  /**
   * Blue-green release of the whole platform. Every instance of every app gets a new process on
   * its other placement (surge ports, or back), in start order, beside the running set, with the
   * release's variables and build ({@link ReleaseOptions}) and those of the other set
   * (`releaseSets`). The new gateways stay out of the balancer's rotation until the gate passes:
   * every new process ready within `deadlineMs`, and the smoke requests answered 200 by each new
   * gateway itself. Then the rotation switches to the new gateways in one step, and the old set is
   * drained and stopped, callers first (a gateway leaves rotation before its SIGTERM; a service
   * deregisters on SIGTERM and finishes what it has).
   *
   * While both sets run, the new set's Kafka consumers join the same consumer groups as the old
   * set's and share their partitions: the two versions must read each other's messages and run on
   * the same schema (expand/contract). A failure before the switch (a new process exits, is not
   * ready in time, or a smoke request fails) stops the whole new set and leaves the old one serving
   * untouched (`release_rolled_back`); the promise rejects with the reason.
   */
  async release(options: ReleaseOptions = {}): Promise<ReleaseReport> {
    const unknown = Object.keys(options.env ?? {}).filter((app) => !this.members.some((m) => m.spec.app === app));
    if (unknown.length > 0)
      throw new SupervisorError(422, 'SUPERVISOR.UNKNOWN_APP', `no instance of ${unknown.join(', ')} is supervised`);
    const dist = options.dist ?? 'dist';
    const missing = [...new Set(this.members.map((m) => this.scriptOf(m.spec.app, dist)))].filter((f) => !existsSync(f));
    if (missing.length > 0) throw new SupervisorError(422, 'SUPERVISOR.BUILD_NOT_FOUND', `no build at ${missing.join(', ')}`);
    return this.exclusively('release', () => {
      const unfit = this.members.filter((m) => m.phase !== 'ready' || !m.spec.surge).map((m) => m.spec.id);
      if (unfit.length > 0) {
        throw new SupervisorError(409, 'SUPERVISOR.NOT_RELEASABLE', `not ready or without surge ports: ${unfit.join(', ')}`);
      }
      return this.switchSets(options, dist);
    });
  }

  private async switchSets(options: ReleaseOptions, dist: string): Promise<ReleaseReport> {
    const began = Date.now();
    const set: ReleaseSet = this.set === 'blue' ? 'green' : 'blue';
    // each new process has its own deadline (the policy's readyTimeoutMs, as at start); the whole set has this one if given
    const { deadlineMs } = options;
    this.log('info', 'release started', { event: 'release_started', set, dist, deadlineMs, env: options.env ?? {} });
    const timings = new Map<Member, { startedAfterSeconds: number; readySeconds: number; drainSeconds: number }>();
    const started: Member[] = [];
    let failed = false;
    // a start is CPU-heavy: a few at a time, so that the set serving meanwhile is not starved
    const starting = concurrencyLimit(options.maxStarting ?? 1);
    const readiness = this.inStartOrder((member) =>
      starting(async () => {
        if (failed || this.closing) throw new Error('the release was aborted');
        const launchedAt = Date.now();
        started.push(member);
        this.startBeside(member, { dist, env: { ...this.options.releaseSets?.[set], ...options.env?.[member.spec.app] } }, true);
        await this.untilReady(member);
        timings.set(member, {
          startedAfterSeconds: (launchedAt - began) / 1000,
          readySeconds: (Date.now() - launchedAt) / 1000,
          drainSeconds: 0,
        });
      }),
    );
    try {
      await withDeadline(Promise.all(readiness.values()), deadlineMs, `the new set was not ready within ${deadlineMs ?? 0} ms`);
      await this.smoke(started);
      const down = started.filter((m) => m.phase !== 'ready').map((m) => m.spec.id);
      if (down.length > 0) throw new Error(`${down.join(', ')} of the new set exited after it was ready`);
    } catch (error) {
      failed = true;
      for (const member of [...started].reverse()) await this.rollBack(member);
      await Promise.allSettled(readiness.values());
      const why = errorMessage(error);
      this.log('warn', 'release failed; the running set keeps serving', { event: 'release_rolled_back', set, why });
      throw new SupervisorError(500, 'SUPERVISOR.RELEASE_ROLLED_BACK', `the release was rolled back: ${why}`);
    }

    // the switch: the new gateways in, the old ones out, one change of the rotation
    const switchedAt = Date.now();
    const previous = new Map(this.members.map((m) => [m, m.previous as Previous]));
    for (const member of this.members) {
      member.previous = undefined;
      member.heldOut = false;
    }
    this.updateRotation();
    this.set = set;
    this.log('info', 'the balancer switched to the new set', {
      event: 'release_switched',
      set,
      rotation: this.balancer?.rotation.map((b) => b.id),
      afterMs: switchedAt - began,
    });
    const drained = this.inStopOrder(async (member) => {
      const stopping = Date.now();
      await this.retire(member, previous.get(member) as Previous);
      const timing = timings.get(member);
      if (timing) timing.drainSeconds = (Date.now() - stopping) / 1000;
    });
    await Promise.all(drained.values());
    const done = Date.now();
    this.log('info', 'release done: the old set is stopped', {
      event: 'release_done',
      set,
      drainMs: done - switchedAt,
      totalMs: done - began,
    });
    return {
      set,
      instances: this.members.map((m) => ({
        id: m.spec.id,
        app: m.spec.app,
        pid: m.child?.pid,
        previousPid: previous.get(m)?.child.pid,
        ...(timings.get(m) ?? { startedAfterSeconds: 0, readySeconds: 0, drainSeconds: 0 }),
      })),
      switchedAt: new Date(switchedAt).toISOString(),
      switchedAfterSeconds: (switchedAt - began) / 1000,
      drainSeconds: (done - switchedAt) / 1000,
      totalSeconds: (done - began) / 1000,
    };
  }

  /** Each new instance of the balanced app answers every smoke path itself with 200, or this throws. */
  private async smoke(members: readonly Member[]): Promise<void> {
    const balanced = this.options.balancer;
    if (!balanced) return;
    const paths = balanced.smokePaths ?? ['/health/ready'];
    for (const member of members.filter((m) => m.spec.app === balanced.app)) {
      for (const path of paths) {
        const url = `http://127.0.0.1:${member.placement.httpPort}${path}`;
        const status = await fetch(url, { signal: AbortSignal.timeout(10_000) }).then(
          async (res) => (await res.arrayBuffer(), String(res.status)),
          errorMessage,
        );
        if (status !== '200') throw new Error(`smoke request GET ${path} to ${member.spec.id} (new) answered ${status}`);
      }
    }
  }

  /** Runs `operation` unless another restart or release is under way (409). */
  private async exclusively<T>(name: string, operation: () => Promise<T>): Promise<T> {
    if (this.busy) throw new SupervisorError(409, 'SUPERVISOR.BUSY', `a ${this.busy} is under way`);
    this.busy = name;
    try {
      return await operation();
    } finally {
      this.busy = undefined;
    }
  }

  /**
   * Replaces an instance's process without a moment with fewer instances ready: the new process
   * starts on the other placement beside the running one, and only once it is ready is the old one
   * taken out of rotation and drained. If the new one exits or is not ready in time, it is stopped
   * and the old one keeps serving (a rollback): the error says why.
   */
  private async replace(member: Member): Promise<void> {
    const previous = this.startBeside(member, member.release, false);
    try {
      await this.untilReady(member);
    } catch (error) {
      const why = await this.rollBack(member, error);
      throw new Error(`${member.spec.id}: the replacement failed (${why}); rolled back to pid ${previous.child.pid}`);
    }
    member.previous = undefined;
    this.updateRotation();
    await this.retire(member, previous);
  }

  /** Starts a new process of the instance on its other placement; the running one serves on as `previous`. */
  private startBeside(member: Member, release: Release, heldOut: boolean): Previous {
    const { spec } = member;
    const previous: Previous = { child: member.child as ChildProcess, placement: member.placement, release: member.release };
    member.previous = previous;
    this.recordState(member, previous.child.pid ?? 0, previous.placement, previous.release, `${spec.id}-previous`);
    const { home } = member;
    member.placement = previous.placement.httpPort === home.httpPort ? (spec.surge as Placement) : home;
    member.release = release;
    member.heldOut = heldOut;
    member.failuresInRow = 0;
    this.launch(member);
    this.writeTargets();
    return previous;
  }

  /** Stops the new process (starting or ready) and makes the previous one current again; answers why it failed. */
  private async rollBack(member: Member, error?: unknown): Promise<string> {
    const previous = member.previous as Previous;
    const replacement = member.child;
    const why = error === undefined ? 'rolled back with the rest of its set' : errorMessage(error);
    for (const waiter of member.readyWaiters.splice(0)) waiter.reject(new Error(`${member.spec.id}: ${why}`));
    member.child = previous.child;
    member.placement = previous.placement;
    member.release = previous.release;
    member.previous = undefined;
    member.heldOut = false;
    member.phase = 'ready';
    if (replacement) await stopChild(replacement);
    this.forgetState(member, `${member.spec.id}-previous`);
    this.recordState(member, previous.child.pid ?? 0, previous.placement, previous.release);
    this.writeTargets();
    this.updateRotation();
    void this.watch(member, previous.child);
    this.log('warn', 'replacement failed; the previous process keeps serving', {
      event: 'replacement_rolled_back',
      instanceId: member.spec.id,
      app: member.spec.app,
      why,
    });
    return why;
  }

  /** Drains and stops the previous process once it is out of rotation (SIGTERM: it deregisters, finishes, exits). */
  private async retire(member: Member, previous: Previous): Promise<void> {
    await stopChild(previous.child);
    this.forgetState(member, `${member.spec.id}-previous`);
    this.writeTargets();
    this.log('info', 'instance replaced', {
      event: 'instance_replaced',
      instanceId: member.spec.id,
      app: member.spec.app,
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
    await this.faultPoints?.stop();
    this.log('info', 'supervisor stopped', { event: 'supervisor_stopped', instancesStopped: options.instances });
  }

  private launch(member: Member): void {
    const { spec } = member;
    clearTimeout(member.restartTimer);
    member.killReason = undefined;
    member.planned = false;
    member.liveness.reset();
    const out = openSync(resolve(this.options.logDir, `${spec.id}.log`), 'a');
    // its own process group: a Ctrl-C or a signal to the supervisor's group does not reach it
    const child = spawn(process.execPath, [...APP_NODE_FLAGS, this.scriptOf(spec.app, member.release.dist)], {
      cwd: this.options.cwd,
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...this.options.childEnv, ...member.placement.env, ...member.release.env },
    });
    closeSync(out);
    member.child = child;
    member.phase = 'starting';
    member.startedAt = Date.now();
    child.once('exit', (code, signal) => this.exited(member, child, code, signal));
    if (child.pid !== undefined) this.recordState(member, child.pid, member.placement, member.release);
    this.log('info', 'instance started', {
      event: 'instance_started',
      instanceId: spec.id,
      app: spec.app,
      pid: child.pid,
      httpPort: member.placement.httpPort,
    });
    void this.watch(member, child);
  }

  private scriptOf(app: string, dist: string): string {
    return this.options.scriptOf?.(app, dist) ?? resolve(this.options.cwd, dist, `apps/${app}/src/main.js`);
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
      // a replacement that died: the rolling restart or the release rolls back to the previous process
      const killed = member.killReason ? `, killed: ${member.killReason}` : '';
      for (const waiter of waiters) waiter.reject(new Error(`${member.spec.id}: the new process exited (${exit}${killed})`));
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

  /**
   * A planned stop: out of rotation, then SIGTERM (the app drains), SIGKILL after 30 s; a pending
   * restart is cancelled; a previous process still running (a release under way) is stopped too.
   */
  private async stopMember(member: Member): Promise<void> {
    clearTimeout(member.restartTimer);
    member.planned = true;
    if (member.previous) await stopChild(member.previous.child);
    const child = member.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      member.phase = 'stopped';
      return;
    }
    member.phase = 'stopping';
    this.updateRotation();
    await stopChild(child);
  }

  /**
   * The balancer's rotation: every ready instance of its app (not a release's new one before the
   * switch), and a process being replaced until its replacement is ready (or until the switch).
   */
  private updateRotation(): void {
    if (!this.balancer || !this.options.balancer) return;
    const { app } = this.options.balancer;
    this.balancer.setRotation(
      this.members
        .filter((m) => m.spec.app === app)
        .flatMap((m) => [
          ...(m.previous ? [{ id: `${m.spec.id}-previous`, port: Number(m.previous.placement.httpPort) }] : []),
          ...(m.phase === 'ready' && !m.heldOut ? [{ id: m.spec.id, port: Number(m.placement.httpPort) }] : []),
        ]),
    );
  }

  /** What `npm run down` reads: one file per process (`<id>-previous` while one is being replaced). */
  private recordState(member: Member, pid: number, placement: Placement, release: Release, id = member.spec.id): void {
    if (!this.options.stateDir) return;
    const { app } = member.spec;
    const env = { ...placement.env, ...release.env };
    writeFileSync(
      resolve(this.options.stateDir, `${id}.json`),
      JSON.stringify({ id, app, pid, httpPort: placement.httpPort, env }),
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

/** `promise`, or a rejection with `message` after `ms` (none without `ms`). */
async function withDeadline<T>(promise: Promise<T>, ms: number | undefined, message: string): Promise<T> {
  if (ms === undefined) return promise;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(message)), ms)));
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
