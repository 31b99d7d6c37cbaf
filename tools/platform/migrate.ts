import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../infra/infra-config';
import { APPS } from './apps';

/** `npm run migrate`: applies every app's pending migrations (after `nest build`). */
for (const app of APPS) {
  if (!app.migrate) continue;
  const result = spawnSync(process.execPath, [resolve(REPO_ROOT, app.migrate)], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
