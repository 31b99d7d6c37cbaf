import type { ChaosPlatform } from './chaos-platform';

/** One look at the platform: whole when every instance is ready and a public read answers 200. */
export interface HealthSample {
  at: number;
  whole: boolean;
  /** Instances not ready (not running, or `/health/ready` not 200), and `gateway-probe` if the read failed. */
  down: string[];
}

const answers200 = async (url: string, timeoutMs: number): Promise<boolean> => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
};

/**
 * Looks at the platform every `intervalMs` while a run goes on: each instance's own
 * `/health/ready` (not only what the supervisor last saw) and a catalogue read through the
 * balancer. A fault's recovery time is from its end to the first whole sample after it.
 */
export class HealthWatch {
  readonly samples: HealthSample[] = [];
  private timer?: NodeJS.Timeout;
  private looking = false;

  constructor(
    private readonly platform: ChaosPlatform,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.look(), this.intervalMs);
    void this.look();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async look(): Promise<void> {
    if (this.looking) return; // one look at a time: a slow one is itself a finding, seen in the gap
    this.looking = true;
    const at = Date.now();
    try {
      const status = await this.platform.status();
      const timeout = Math.max(200, this.intervalMs - 100);
      const checks = await Promise.all([
        ...status.instances.map(async (i) =>
          i.pid !== undefined && (await answers200(`http://127.0.0.1:${i.httpPort}/health/ready`, timeout)) ? undefined : i.id,
        ),
        answers200(`${this.platform.gatewayUrl}/v1/products?limit=1`, timeout).then((ok) => (ok ? undefined : 'gateway-probe')),
      ]);
      const down = checks.filter((c): c is string => c !== undefined);
      this.samples.push({ at, whole: down.length === 0, down });
    } catch {
      this.samples.push({ at, whole: false, down: ['supervisor'] });
    } finally {
      this.looking = false;
    }
  }
}

/**
 * Ms from `from` to the first sample at or after it in which none of `affected` is down (`all`:
 * the whole platform, the gateway probe included); undefined if none came.
 */
export function recoveryMs(
  samples: readonly HealthSample[],
  from: number,
  affected: readonly string[] | 'all',
): number | undefined {
  const first = samples.find((s) => s.at >= from && (affected === 'all' ? s.whole : !s.down.some((d) => affected.includes(d))));
  return first ? first.at - from : undefined;
}

/** Per instance (and `gateway-probe`), the stretches it was down: [from, to) in epoch ms, `to` undefined if still down. */
export function downStretches(samples: readonly HealthSample[]): Array<{ id: string; from: number; to?: number }> {
  const open = new Map<string, number>();
  const stretches: Array<{ id: string; from: number; to?: number }> = [];
  for (const s of samples) {
    for (const id of s.down) if (!open.has(id)) open.set(id, s.at);
    for (const [id, from] of open) {
      if (!s.down.includes(id)) {
        stretches.push({ id, from, to: s.at });
        open.delete(id);
      }
    }
  }
  for (const [id, from] of open) stretches.push({ id, from });
  return stretches.sort((a, b) => a.from - b.from || a.id.localeCompare(b.id));
}
