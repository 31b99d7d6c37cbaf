import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { REPO_ROOT } from '../infra-config';
import { KAFKA_VERSION, type KafkaPaths } from './kafka-files';

/** The pom listing the broker's artifacts (pom packaging: nothing is built from it). */
export const KAFKA_POM = resolve(REPO_ROOT, 'tools/infra/kafka/pom.xml');

/**
 * The jars of the pom's own dependencies (`<artifactId>-<version>.jar`), without which the broker
 * cannot start: checked after the download; a cache whose marker lacks one was filled from another
 * pom (an older Kafka, another logging binding) and is fetched again.
 */
export function requiredKafkaJars(pom: string = readFileSync(KAFKA_POM, 'utf8')): string[] {
  return [...pom.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)].map(([, dependency]) => {
    const tag = (name: string): string | undefined =>
      new RegExp(`<${name}>([^<]+)</${name}>`).exec(dependency ?? '')?.[1]?.trim();
    return `${tag('artifactId') ?? '?'}-${tag('version') ?? '?'}.jar`;
  });
}

/**
 * True if the jar cache is complete: the marker exists, lists every required jar, and every jar
 * it lists is present.
 */
export function kafkaJarsCached(paths: KafkaPaths): boolean {
  if (!existsSync(paths.libComplete)) return false;
  try {
    const jars = JSON.parse(readFileSync(paths.libComplete, 'utf8')) as unknown;
    return (
      Array.isArray(jars) &&
      requiredKafkaJars().every((jar) => jars.includes(jar)) &&
      jars.every((jar) => typeof jar === 'string' && existsSync(resolve(paths.lib, jar)))
    );
  } catch {
    return false;
  }
}

/**
 * Fetches the broker's jars (kafka_2.13 and its runtime dependencies, plus the log4j2 slf4j binding
 * the release tarball adds) from Maven Central into `.cache/kafka/<version>/lib`, unless the cache is
 * already complete. Downloads into a temporary folder first and moves the jars in one by one
 * (atomic renames), so that neither an interrupted fetch nor a broker running from the cache is
 * harmed; the marker is written last.
 *
 * @throws Error if Maven fails or the expected jars are missing afterwards
 */
export function ensureKafkaJars(paths: KafkaPaths, log: (line: string) => void): void {
  if (kafkaJarsCached(paths)) return;
  const staging = `${paths.lib}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(paths.lib), { recursive: true });
  log(`kafka: fetching Apache Kafka ${KAFKA_VERSION} jars with Maven into ${paths.lib} (once)`);
  const mvn = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      KAFKA_POM,
      'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${staging}`,
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 900_000 },
  );
  if (mvn.error || mvn.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    const output = `${mvn.stdout ?? ''}\n${mvn.stderr ?? ''}`;
    const firstError = output.split('\n').find((line) => line.includes('ERROR')) ?? mvn.error?.message ?? '';
    throw new Error(
      `Kafka: fetching the broker jars with Maven failed (exit ${mvn.status ?? mvn.signal}); is Maven Central reachable? ${firstError.trim()}`,
    );
  }
  const jars = readdirSync(staging).filter((file) => file.endsWith('.jar'));
  const missing = [...new Set([`kafka_2.13-${KAFKA_VERSION}.jar`, ...requiredKafkaJars()])].filter((jar) => !jars.includes(jar));
  if (missing.length > 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`Kafka: Maven did not provide ${missing.join(', ')} (see ${KAFKA_POM})`);
  }
  // jar by jar, with rename (atomic): a broker running from this folder keeps its open jars
  mkdirSync(paths.lib, { recursive: true });
  for (const stale of readdirSync(paths.lib).filter((file) => !jars.includes(file))) rmSync(resolve(paths.lib, stale));
  for (const jar of jars) renameSync(resolve(staging, jar), resolve(paths.lib, jar));
  rmSync(staging, { recursive: true, force: true });
  writeFileSync(paths.libComplete, `${JSON.stringify(jars.sort(), null, 1)}\n`);
  log(`kafka: ${jars.length} jars cached`);
}
