import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { instanceOf, terminateConnections, type ChaosPlatform } from './chaos-platform';
import type { PlannedFault } from './nemesis';
import { injectPoison, type PoisonMessage } from './poison';

/** A fault as it went: when it was really applied and healed, and what it hit. */
export interface AppliedFault extends PlannedFault {
  /** Epoch ms. */
  startedAt: number;
  endedAt: number;
  /** `skipped` when its target was not there to hit (an instance restarting, say). */
  outcome: 'applied' | 'skipped';
  /** What it hit: `pid 4711`, `3 connections`, the poison's key. */
  detail: string;
}

export interface FaultContext {
  platform: ChaosPlatform;
  kafka: Kafka;
  runId: string;
  /** Poison messages injected so far (the dead letters they must explain). */
  poisons: PoisonMessage[];
  /** Heals of the faults held now, run by the runner if it has to stop early. */
  heals: Set<() => Promise<void>>;
}

const signalled = (pid: number, signal: NodeJS.Signals): boolean => {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // gone already
  }
};

/** The pid of a running instance, waiting a little for one that is starting again. */
async function pidOf(platform: ChaosPlatform, id: string): Promise<number | undefined> {
  for (let waited = 0; waited <= 3000; waited += 500) {
    const instance = instanceOf(await platform.status(), id);
    if (instance?.pid !== undefined && (instance.phase === 'ready' || instance.phase === 'starting')) return instance.pid;
    await sleep(500);
  }
  return undefined;
}

/** Holds a fault for its duration, healing it at the end (or when the runner heals everything). */
async function held(context: FaultContext, durationMs: number, heal: () => Promise<void>): Promise<void> {
  let healed = false;
  const once = async () => {
    if (healed) return;
    healed = true;
    context.heals.delete(once);
    await heal();
  };
  context.heals.add(once);
  try {
    await sleep(durationMs);
  } finally {
    await once();
  }
}

/** Applies one fault now, holds it, heals it; answers what happened. */
export async function applyFault(fault: PlannedFault, context: FaultContext): Promise<AppliedFault> {
  const { platform } = context;
  const startedAt = Date.now();
  const done = (outcome: AppliedFault['outcome'], detail: string): AppliedFault => ({
    ...fault,
    startedAt,
    endedAt: Date.now(),
    outcome,
    detail,
  });
  switch (fault.kind) {
    case 'kill': {
      const pid = await pidOf(platform, fault.target);
      if (pid === undefined || !signalled(pid, 'SIGKILL')) return done('skipped', 'not running');
      return done('applied', `pid ${pid}`);
    }
    case 'pause': {
      const pid = await pidOf(platform, fault.target);
      if (pid === undefined || !signalled(pid, 'SIGSTOP')) return done('skipped', 'not running');
      // the supervisor may kill it meanwhile (liveness): SIGCONT then finds no process, which is fine
      await held(context, fault.durationMs, () => Promise.resolve(void signalled(pid, 'SIGCONT')));
      return done('applied', `pid ${pid}`);
    }
    case 'kafka-restart': {
      const kafka = platform.kafka;
      if (!kafka) return done('skipped', 'the broker is not this run to restart');
      await kafka.stop();
      await held(context, fault.durationMs, () => kafka.start());
      return done('applied', 'stopped and started');
    }
    case 'pg-terminate': {
      const database = platform.databases[fault.target];
      if (!database) return done('skipped', `no database known for ${fault.target}`);
      let killed = 0;
      let lastError: string | undefined;
      const until = Date.now() + fault.durationMs;
      do {
        killed += await terminateConnections(platform.postgres, database).catch((error: unknown) => {
          lastError = error instanceof Error ? error.message : String(error);
          return 0;
        });
        await sleep(Math.max(0, Math.min(500, until - Date.now())));
      } while (Date.now() < until);
      if (killed === 0 && lastError) return done('skipped', `pg_terminate_backend failed: ${lastError}`);
      return done('applied', `${killed} connection(s) of ${database}`);
    }
    case 'redis-partition':
      return pointFault(context, fault, { instance: fault.target, link: 'redis' }, { mode: 'partition' });
    case 'rpc-latency':
      return pointFault(
        context,
        fault,
        { instance: fault.target, link: 'rpc' },
        { mode: 'latency', ms: fault.latencyMs ?? 200, jitterMs: Math.round((fault.latencyMs ?? 200) / 4) },
      );
    case 'rpc-loss':
      return pointFault(context, fault, { instance: fault.target, link: 'rpc' }, { mode: 'loss', rate: fault.lossRate ?? 0.1 });
    case 'rpc-partition':
      return pointFault(context, fault, { instance: fault.target, link: 'rpc' }, { mode: 'partition' });
    case 'slow-consumer':
      return pointFault(context, fault, { app: fault.target, link: 'postgres' }, { mode: 'latency', ms: fault.latencyMs ?? 100 });
    case 'poison': {
      const poisons = await injectPoison(context.kafka, fault.target, context.runId, fault.n);
      context.poisons.push(...poisons);
      return done('applied', `key ${poisons.map((p) => p.key).join(', ')}`);
    }
  }

  async function pointFault(
    ctx: FaultContext,
    f: PlannedFault,
    selector: Parameters<ChaosPlatform['setFault']>[0],
    linkFault: Parameters<ChaosPlatform['setFault']>[1],
  ): Promise<AppliedFault> {
    await ctx.platform.setFault(selector, linkFault);
    await held(ctx, f.durationMs, () => ctx.platform.setFault(selector, { mode: 'pass' }));
    return done('applied', `${selector.instance ?? selector.app} ${selector.link}`);
  }
}
