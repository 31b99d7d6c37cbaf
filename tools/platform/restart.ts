import { APPS } from './apps';
import { runningInstances, startInstance, stopInstance, waitReady } from './instances';
import { runningSupervisor } from './supervisor-process';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/**
 * `npm run restart -- <app>`: rolling restart of the instances `up` started, one at a time. Each
 * drains before it stops (SIGTERM: unready and deregistered first, in-flight calls finish) and the
 * next one waits until its replacement is ready, so callers always have an instance to go to.
 * Under the supervisor (`npm run up` starts one) the supervisor does it (`POST /restart?app=`):
 * it knows these stops are planned and does not fight them.
 */
async function restart(appName: string | undefined): Promise<void> {
  const app = APPS.find((a) => a.name === appName);
  if (!app) throw new Error(`usage: npm run restart -- <${APPS.map((a) => a.name).join('|')}>`);
  const supervisor = runningSupervisor();
  if (supervisor) {
    const res = await fetch(`${supervisor.url}/restart?app=${encodeURIComponent(app.name)}`, { method: 'POST' });
    const body = (await res.json()) as { restarted?: Array<{ id: string; pid?: number; seconds: number }>; title?: string };
    if (res.status !== 200 || !body.restarted) throw new Error(`the supervisor answered ${res.status}: ${body.title ?? ''}`);
    for (const r of body.restarted) say(`${r.id}: restarted in ${r.seconds.toFixed(1)} s (pid ${r.pid ?? '-'})`);
    return;
  }
  const instances = runningInstances(app.name);
  if (instances.length === 0) throw new Error(`no instance of ${app.name} started by npm run up is running`);
  for (const instance of instances) {
    const started = Date.now();
    await stopInstance(instance);
    const replacement = startInstance(app, instance);
    await waitReady(replacement);
    say(`${instance.id}: restarted in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${replacement.pid})`);
  }
}

restart(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`restart failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
