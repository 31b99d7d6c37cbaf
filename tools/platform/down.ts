import { infraDown } from '../infra';
import { stopPid } from '../infra/processes';
import { APPS } from './apps';
import { runningInstances, stopInstance } from './instances';
import { runningSupervisor } from './supervisor-process';

/**
 * `npm run down`: stops the supervisor first (so it restarts nothing that is being stopped), then
 * every instance `up` started (callers first), then the infrastructure it started. A supervisor
 * with fault points drains and stops the instances itself before it exits (they reach their
 * dependencies through it), so it is given the time that takes.
 */
async function down(): Promise<void> {
  const supervisor = runningSupervisor();
  if (supervisor) {
    await stopPid(supervisor.pid, supervisor.faultPoints ? 180_000 : 10_000);
    process.stdout.write(`supervisor: stopped (pid ${supervisor.pid})\n`);
  }
  for (const app of [...APPS].reverse()) {
    for (const instance of runningInstances(app.name)) {
      await stopInstance(instance);
      process.stdout.write(`${instance.id}: stopped\n`);
    }
  }
  const stopped = await infraDown();
  process.stdout.write(
    stopped.length ? `infrastructure stopped: ${stopped.join(', ')}\n` : 'no infrastructure was started by up\n',
  );
}

down().catch((error: unknown) => {
  process.stderr.write(`down failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
