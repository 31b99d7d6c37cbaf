import { rmSync } from 'node:fs';
import { infraDown } from '../infra';
import { stopPid } from '../infra/probes';
import { APPS } from './apps';
import { pidFileOf, runningPid } from './run-files';

/** `npm run down`: stops every app `up` started (callers first), then the infrastructure it started. */
async function down(): Promise<void> {
  for (const app of [...APPS].reverse()) {
    const pid = runningPid(app.name);
    if (pid) {
      await stopPid(pid, 30_000);
      process.stdout.write(`${app.name}: stopped\n`);
    }
    rmSync(pidFileOf(app.name), { force: true });
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
