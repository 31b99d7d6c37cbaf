import { APPS } from './apps';
import { runningInstances, startInstance, stopInstance, waitReady } from './instances';

/**
 * `npm run restart -- <app>`: rolling restart of the instances `up` started, one at a time. Each
 * drains before it stops (SIGTERM: unready and deregistered first, in-flight calls finish) and the
 * next one waits until its replacement is ready, so callers always have an instance to go to.
 */
async function restart(appName: string | undefined): Promise<void> {
  const app = APPS.find((a) => a.name === appName);
  if (!app) throw new Error(`usage: npm run restart -- <${APPS.map((a) => a.name).join('|')}>`);
  const instances = runningInstances(app.name);
  if (instances.length === 0) throw new Error(`no instance of ${app.name} started by npm run up is running`);
  for (const instance of instances) {
    const started = Date.now();
    await stopInstance(instance);
    const replacement = startInstance(app, instance);
    await waitReady(replacement);
    process.stdout.write(
      `${instance.id}: restarted in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${replacement.pid})\n`,
    );
  }
}

restart(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`restart failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
