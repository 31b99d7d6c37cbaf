import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ALL_KAFKA_TOPICS } from '@shopmesh/contracts';
import { REPO_ROOT } from '../infra/infra-config';
import { APPS } from './apps';

/** The Compose file is written by hand: keep it in step with the code it deploys. */
describe('docker-compose.yml', () => {
  const compose = readFileSync(resolve(REPO_ROOT, 'docker/docker-compose.yml'), 'utf8');
  const initSql = readFileSync(resolve(REPO_ROOT, 'docker/postgres/init-databases.sql'), 'utf8');
  const envExample = readFileSync(resolve(REPO_ROOT, '.env.example'), 'utf8');

  it('creates every Kafka topic and dead-letter topic', () => {
    const created = /for topic in ([^;]+); do/.exec(compose)?.[1]?.trim().split(/\s+/) ?? [];
    expect(created.sort()).toEqual([...ALL_KAFKA_TOPICS].sort());
  });

  it('runs every app', () => {
    for (const app of APPS) expect(compose).toMatch(new RegExp(`^  ${app.name}:$`, 'm'));
  });

  it('creates the database of every app that owns one', () => {
    for (const [, name] of envExample.matchAll(/^[A-Z]+_DB_NAME=(\w+)$/gm)) expect(initSql).toContain(`CREATE DATABASE ${name};`);
  });

  it('sets every variable of .env.example that the apps read', () => {
    const skip = new Set(['KAFKA_TOPIC_PARTITIONS']);
    for (const [, name] of envExample.matchAll(/^([A-Z_]+)=/gm)) {
      if (name && !skip.has(name)) expect(compose).toContain(`  ${name}:`);
    }
  });
});
