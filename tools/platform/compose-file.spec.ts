import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ALL_KAFKA_TOPICS } from '@shopmesh/contracts';
import { SERVICE_NAMES, defaultDatabaseOf, serviceEnvShape, uses } from '@shopmesh/config';
import { REPO_ROOT } from '../infra/infra-config';
import { KAFKA_VERSION } from '../infra/kafka/kafka-files';

/** The Compose file and `.env.example` are written by hand: keep them in step with the apps' declarations. */
describe('docker-compose.yml and .env.example', () => {
  const compose = readFileSync(resolve(REPO_ROOT, 'docker/docker-compose.yml'), 'utf8');
  const initSql = readFileSync(resolve(REPO_ROOT, 'docker/postgres/init-databases.sql'), 'utf8');
  const envExample = readFileSync(resolve(REPO_ROOT, '.env.example'), 'utf8');

  it('creates every Kafka topic and dead-letter topic', () => {
    const created = /for topic in ([^;]+); do/.exec(compose)?.[1]?.trim().split(/\s+/) ?? [];
    expect(created.sort()).toEqual([...ALL_KAFKA_TOPICS].sort());
  });

  it('runs the Kafka release of the local broker (kafka and kafka-init)', () => {
    const images = [...compose.matchAll(/^\s+image: (apache\/kafka:\S+)$/gm)].map(([, image]) => image);
    expect(images).toEqual([`apache/kafka:${KAFKA_VERSION}`, `apache/kafka:${KAFKA_VERSION}`]);
  });

  it.each(SERVICE_NAMES)('runs %s, with its migrations and database if it owns one', (name) => {
    expect(compose).toMatch(new RegExp(`^  ${name}:$`, 'm'));
    if (uses(name, 'postgres')) {
      expect(compose).toMatch(new RegExp(`^  ${name}-migrate:$`, 'm'));
      expect(initSql).toContain(`CREATE DATABASE ${defaultDatabaseOf(name)};`);
    }
  });

  it.each(SERVICE_NAMES)('sets every variable %s reads, in .env.example and in the Compose file', (name) => {
    for (const variable of Object.keys(serviceEnvShape(name))) {
      expect({ variable, inEnvExample: new RegExp(`^${variable}=`, 'm').test(envExample) }).toEqual({
        variable,
        inEnvExample: true,
      });
      expect({ variable, inCompose: compose.includes(`  ${variable}:`) }).toEqual({ variable, inCompose: true });
    }
  });
});
