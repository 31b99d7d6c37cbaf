import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from './infra-config';

/** True if a Docker engine answers (not only the client). */
export function dockerEngineAnswers(): boolean {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5000, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim().length > 0;
}

/** `docker compose up -d <service>` with the repo's compose file. */
export function composeUp(service: string): void {
  const file = resolve(REPO_ROOT, 'docker/docker-compose.yml');
  const result = spawnSync('docker', ['compose', '-f', file, 'up', '-d', '--wait', service], {
    stdio: 'inherit',
    timeout: 300_000,
  });
  if (result.status !== 0) throw new Error(`docker compose up ${service} failed (exit ${result.status})`);
}
