import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from './infra-config';

/** The Compose file `infraUp` starts services from when a Docker engine answers. */
export const COMPOSE_FILE = resolve(REPO_ROOT, 'docker/docker-compose.yml');

let engineAnswers: boolean | undefined;

/**
 * True if a Docker engine answers (`docker info` exits 0 within 5 s), not merely if the client is
 * installed. Asked once per process.
 */
export function dockerEngineAnswers(): boolean {
  engineAnswers ??= spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return engineAnswers;
}

/**
 * `docker compose -f docker/docker-compose.yml up -d <service>`; readiness is awaited by the caller.
 *
 * @throws Error if Compose exits non-zero
 */
export function composeUp(service: string): void {
  const result = spawnSync('docker', ['compose', '-f', COMPOSE_FILE, 'up', '-d', service], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 600_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `${service}: docker compose -f docker/docker-compose.yml up -d ${service} failed (exit ${result.status ?? result.signal})`,
    );
  }
}
