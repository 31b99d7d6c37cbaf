import { linksOf } from './fault-links';
import type { FaultLink, FaultPointStatus, FaultSelector, LinkFault } from './fault-options';
import { FaultPoint } from './fault-point';

interface InstancePoint {
  instance: string;
  app: string;
  link: FaultLink;
  point: FaultPoint;
}

/** A point whose fault a {@link FaultPoints.set} changed: as it is now, and what it did before. */
export type ChangedPoint = FaultPointStatus & { before: LinkFault };

/** The supervisor's fault points: one per link of each instance ({@link linksOf}). */
export class FaultPoints {
  private constructor(private readonly points: readonly InstancePoint[]) {}

  /**
   * Opens a point on every link of every instance (`env`: the supervisor's environment under the
   * instance's own variables); answers them and, per instance id, the variables that route it
   * through its points.
   */
  static async open(
    instances: ReadonlyArray<{ id: string; app: string; env: Readonly<Record<string, string>> }>,
    childEnv: Readonly<Record<string, string>>,
  ): Promise<{ points: FaultPoints; routes: Map<string, Record<string, string>> }> {
    const points: InstancePoint[] = [];
    const routes = new Map<string, Record<string, string>>();
    try {
      for (const { id, app, env } of instances) {
        const route: Record<string, string> = {};
        for (const { link, target, through } of linksOf(app, { ...childEnv, ...env })) {
          const point = await FaultPoint.open(target);
          points.push({ instance: id, app, link, point });
          Object.assign(route, through(point.port));
        }
        routes.set(id, route);
      }
    } catch (error) {
      await Promise.all(points.map(({ point }) => point.stop()));
      throw error;
    }
    return { points: new FaultPoints(points), routes };
  }

  get size(): number {
    return this.points.length;
  }

  status(): FaultPointStatus[] {
    return this.points.map(statusOf);
  }

  /** Sets `fault` on every point `selector` matches; answers those (after the change) and the ones it changed. */
  set(selector: FaultSelector, fault: LinkFault): { matched: FaultPointStatus[]; changed: ChangedPoint[] } {
    const matched = this.points.filter(
      (p) =>
        p.link === selector.link &&
        (selector.instance === undefined || p.instance === selector.instance) &&
        (selector.app === undefined || p.app === selector.app),
    );
    const changed: ChangedPoint[] = [];
    for (const p of matched) {
      const before = p.point.fault;
      if (p.point.set(fault)) changed.push({ ...statusOf(p), before });
    }
    return { matched: matched.map(statusOf), changed };
  }

  async stop(): Promise<void> {
    await Promise.all(this.points.map(({ point }) => point.stop()));
  }
}

const statusOf = ({ instance, app, link, point }: InstancePoint): FaultPointStatus => ({
  instance,
  app,
  link,
  port: point.port,
  target: point.target,
  fault: point.fault,
});
