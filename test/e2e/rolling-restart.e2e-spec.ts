import { APPS } from '../../tools/platform/apps';
import { startSupervisedPlatform, underShopperLoad, type SupervisedPlatform } from './supervised-platform';

/**
 * The platform as `npm run up` runs it (tools/platform/plan.ts): every service in the Redis
 * registry, two gateways behind the supervisor's balancer, each app a real process from dist/, on
 * the suite's own databases, Redis namespace and Kafka broker. Upgrades under the load generator's
 * shopper mix must fail no request, leave every order final and the invariants clean.
 */
describe('zero-downtime upgrades under checkout load (real processes, private Kafka)', () => {
  let running: SupervisedPlatform;

  beforeAll(async () => {
    running = await startSupervisedPlatform('rolling');
  }, 240_000);

  afterAll(async () => {
    await running?.stop();
  }, 90_000);

  it('a rolling restart of every app, one after another (the two gateways included): zero failed requests, every order final, the invariants clean', async () => {
    const { supervisor } = running;
    const restarted: string[] = [];
    const { result, failed, summary, verdict } = await underShopperLoad(running, 'rolling-restart', async (mark) => {
      for (const app of APPS) {
        mark(`restart ${app.name}`);
        const done = await supervisor.restartApp(app.name);
        restarted.push(...done.map((d) => d.id));
      }
    });

    expect(restarted).toEqual(supervisor.status().instances.map((i) => i.id));
    expect(restarted).toContain('gateway-2');
    expect(result.sessions).toMatchObject({ dropped: 0 }); // (`aborted`: the arrivals the abort cut off)
    expect(result.requests.length).toBeGreaterThan(200);
    expect(failed).toEqual([]);
    expect(summary.orders.placed).toBeGreaterThan(10);
    expect(summary.orders.notFinal).toEqual([]);
    expect(verdict.violations).toEqual([]);
    // every instance now runs on its surge ports, registered there; nothing restarted on its own
    expect(supervisor.status().instances.filter((i) => i.restarts > 0 || i.phase !== 'ready')).toEqual([]);
  }, 300_000);
});
