import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { InfraConfig } from '../infra-config';
import { REPO_ROOT } from '../infra-config';
import { isAlive, stopPid } from '../probes';

export const KAFKA_VERSION = '3.9.1';

interface KafkaPaths {
  lib: string;
  marker: string;
  data: string;
  logs: string;
  pid: string;
  out: string;
  properties: string;
  log4j: string;
  clusterId: string;
}

const pathsOf = (config: InfraConfig): KafkaPaths => {
  const cache = resolve(config.cacheDir, 'kafka', KAFKA_VERSION);
  const data = resolve(config.dataDir, 'kafka');
  return {
    lib: resolve(cache, 'lib'),
    marker: resolve(cache, 'complete'),
    data,
    logs: resolve(data, 'logs'),
    pid: resolve(data, 'kafka.pid'),
    out: resolve(data, 'kafka.out'),
    properties: resolve(data, 'server.properties'),
    log4j: resolve(data, 'log4j.properties'),
    clusterId: resolve(data, 'cluster.id'),
  };
};

function requireTool(command: string, hint: string): void {
  const result = spawnSync(command, ['-version'], { encoding: 'utf8' });
  if (result.error) throw new Error(`Kafka: no broker answers and no Docker engine; ${command} not found: ${hint}`);
}

/** Fetches the broker's jars from Maven Central once; later starts need no network. */
function ensureJars(paths: KafkaPaths, log: (line: string) => void): void {
  if (existsSync(paths.marker)) return;
  requireTool('java', 'install OpenJDK 17+ (or start Kafka yourself at KAFKA_BROKERS)');
  requireTool('mvn', 'install Apache Maven (or start Kafka yourself at KAFKA_BROKERS)');
  log(`kafka: fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central (once)…`);
  const result = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      resolve(REPO_ROOT, 'tools/infra/kafka/pom.xml'),
      'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${paths.lib}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 },
  );
  if (result.status !== 0)
    throw new Error(`Kafka: fetching jars with Maven failed (exit ${result.status}); is Maven Central reachable?`);
  writeFileSync(paths.marker, new Date().toISOString());
}

function writeConfigFiles(config: InfraConfig, paths: KafkaPaths): void {
  const { host, port } = config.kafka;
  const controllerPort = port + 1;
  mkdirSync(paths.logs, { recursive: true });
  writeFileSync(
    paths.properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${host}:${controllerPort}`,
      `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://${host}:${port}`,
      'inter.broker.listener.name=PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${resolve(paths.data, 'log-data')}`,
      'num.partitions=3',
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'log.retention.hours=24',
      '',
    ].join('\n'),
  );
  writeFileSync(
    paths.log4j,
    [
      'log4j.rootLogger=INFO, kafkaAppender',
      'log4j.appender.kafkaAppender=org.apache.log4j.RollingFileAppender',
      `log4j.appender.kafkaAppender.File=${resolve(paths.logs, 'server.log')}`,
      'log4j.appender.kafkaAppender.MaxFileSize=20MB',
      'log4j.appender.kafkaAppender.MaxBackupIndex=2',
      'log4j.appender.kafkaAppender.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.kafkaAppender.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka=INFO',
      'log4j.logger.org.apache.kafka=INFO',
      '',
    ].join('\n'),
  );
}

function java(paths: KafkaPaths, mainClass: string, args: string[]) {
  return [
    '-Xms512m',
    '-Xmx512m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${paths.log4j}`,
    `-Dkafka.logs.dir=${paths.logs}`,
    '-cp',
    `${paths.lib}/*`,
    mainClass,
    ...args,
  ];
}

/** Formats the storage once (KRaft), keeping the cluster id across restarts. */
function formatStorage(paths: KafkaPaths): void {
  if (!existsSync(paths.clusterId)) {
    const id = spawnSync('java', java(paths, 'kafka.tools.StorageTool', ['random-uuid']), { encoding: 'utf8' });
    if (id.status !== 0) throw new Error(`Kafka: generating a cluster id failed: ${id.stderr}`);
    writeFileSync(paths.clusterId, id.stdout.trim());
  }
  const clusterId = readFileSync(paths.clusterId, 'utf8').trim();
  const format = spawnSync(
    'java',
    java(paths, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', paths.properties, '--ignore-formatted']),
    { encoding: 'utf8' },
  );
  if (format.status !== 0) throw new Error(`Kafka: formatting storage failed: ${format.stderr || format.stdout}`);
}

/** Pid of the broker this launcher started, if it is still running. */
export function localKafkaPid(config: InfraConfig): number | undefined {
  const { pid } = pathsOf(config);
  if (!existsSync(pid)) return undefined;
  const value = Number(readFileSync(pid, 'utf8'));
  return Number.isInteger(value) && isAlive(value) ? value : undefined;
}

/**
 * Starts a single-node KRaft broker from Maven Central jars, detached so it outlives this
 * process. Data in `.data/kafka`, jars cached in `.cache/kafka`. Returns its pid.
 */
export function startLocalKafka(config: InfraConfig, log: (line: string) => void): number {
  const running = localKafkaPid(config);
  if (running) return running;
  const paths = pathsOf(config);
  ensureJars(paths, log);
  writeConfigFiles(config, paths);
  formatStorage(paths);
  const out = openSync(paths.out, 'a');
  const child = spawn('java', java(paths, 'kafka.Kafka', [paths.properties]), { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  if (!child.pid) throw new Error('Kafka: the broker process did not start');
  writeFileSync(paths.pid, String(child.pid));
  log(`kafka: started a local broker (pid ${child.pid}), logs in ${paths.logs}`);
  return child.pid;
}

/** Stops the broker this launcher started; never touches one it did not start. */
export async function stopLocalKafka(config: InfraConfig): Promise<boolean> {
  const pid = localKafkaPid(config);
  if (!pid) return false;
  await stopPid(pid, 20_000);
  return true;
}
