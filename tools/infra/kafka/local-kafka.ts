import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
// eslint-disable-next-line no-restricted-imports -- Jest's globalSetup loads the launcher without module mapping
import { ALL_KAFKA_TOPICS } from '../../../libs/contracts/src/kafka-topics';
import { withFileLock } from '../file-lock';
import type { InfraConfig } from '../infra-config';
import { commandExists, isAlive, ownedPid, readPidFile, readTail, stopPid, tailOf } from '../processes';
import { prepareKafka } from './kafka-admin';
import { ensureKafkaJars, kafkaJarsCached } from './kafka-jars';
import { kafkaPaths, writeKafkaConfigFiles, type KafkaPaths } from './kafka-files';

/** Written to kafka.out before each start, so that errors of the latest start can be found. */
const START_MARK = '--- tools/infra starts the broker';

/** JVM flags of the broker (heap and G1 settings as in Kafka's kafka-server-start.sh / kafka-run-class.sh). */
const BROKER_JVM = [
  '-Xms512m',
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];

/** JVM flags of the short-lived StorageTool runs: small heap, quick start. */
const TOOL_JVM = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

const javaArgs = (paths: KafkaPaths, jvm: string[], mainClass: string, args: string[]): string[] => [
  ...jvm,
  `-Dlog4j2.configurationFile=${paths.log4j2}`,
  `-Dkafka.logs.dir=${paths.logs}`,
  '-cp',
  `${paths.lib}/*`,
  mainClass,
  ...args,
];

function storageTool(paths: KafkaPaths, args: string[]): string {
  const result = spawnSync('java', javaArgs(paths, TOOL_JVM, 'kafka.tools.StorageTool', args), {
    cwd: paths.home,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`Kafka: StorageTool ${args[0] ?? ''} failed: ${(result.stderr || result.stdout || '').trim()}`);
  }
  return result.stdout.trim();
}

/** The cluster id: kept in `.data/kafka/cluster.id`, generated once with `StorageTool random-uuid`. */
function clusterIdOf(paths: KafkaPaths): string {
  if (existsSync(paths.clusterId)) return readFileSync(paths.clusterId, 'utf8').trim();
  // storage formatted earlier but the id file lost: keep the formatted id
  const meta = resolve(paths.logDirs, 'meta.properties');
  const formatted = existsSync(meta) ? /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1]?.trim() : undefined;
  const id = formatted ?? storageTool(paths, ['random-uuid']).split('\n').pop()?.trim() ?? '';
  if (!/^[A-Za-z0-9_-]{22}$/.test(id)) throw new Error(`Kafka: unexpected cluster id '${id}'`);
  writeFileSync(paths.clusterId, `${id}\n`);
  return id;
}

/**
 * Formats the KRaft storage once (`StorageTool format --ignore-formatted`). Skipped without a JVM
 * start when `meta.properties` shows the log dir is formatted already (what --ignore-formatted
 * would find).
 */
function formatStorage(paths: KafkaPaths): void {
  const clusterId = clusterIdOf(paths);
  if (existsSync(resolve(paths.logDirs, 'meta.properties'))) return;
  storageTool(paths, ['format', '-t', clusterId, '-c', paths.properties, '--ignore-formatted']);
}

/**
 * What is missing to run a local broker, as one phrase ("java and mvn not found: install …"), or
 * undefined if nothing is. Maven is only needed while the jar cache is incomplete.
 */
export function localKafkaMissing(config: InfraConfig): string | undefined {
  const missing = ['java', ...(kafkaJarsCached(kafkaPaths(config)) ? [] : ['mvn'])].filter((c) => !commandExists(c));
  if (missing.length === 0) return undefined;
  const install = missing.map((c) => (c === 'java' ? 'OpenJDK 17+' : 'Maven')).join(' and ');
  return `${missing.join(' and ')} not found: install ${install} (or start a broker at KAFKA_BROKERS)`;
}

/** Pid of the broker this launcher started, if it still runs. */
export function localKafkaPid(config: InfraConfig): number | undefined {
  const paths = kafkaPaths(config);
  return ownedPid(paths.pid, ['kafka.Kafka', paths.properties]);
}

/** Why the broker this launcher started is not coming up (it exited), or undefined while it may. */
export function localKafkaFailure(config: InfraConfig): string | undefined {
  const paths = kafkaPaths(config);
  const pid = readPidFile(paths.pid);
  if (pid === undefined || isAlive(pid)) return undefined;
  return `the local broker (pid ${pid}) exited: ${startupErrorOf(paths)} (see ${paths.out} and ${paths.logs}/server.log)`;
}

/** The first ERROR line and first "Caused by" of the broker's output since the last start. */
function startupErrorOf(paths: KafkaPaths): string {
  const output = readTail(paths.out, 262_144);
  const lines = output.slice(output.lastIndexOf(START_MARK)).split('\n');
  const error = lines.find((line) => line.includes(' ERROR ') || line.includes(' FATAL '));
  const cause = lines.find((line) => line.startsWith('Caused by:'));
  const found = [error?.replace(/^\[[^\]]*\] /, ''), cause].filter((line) => line !== undefined);
  return found.length > 0 ? found.join('; ') : tailOf(resolve(paths.logs, 'server.log'), 2);
}

/**
 * Starts a single-node Kafka broker (KRaft: broker and controller in one JVM) from Maven Central
 * jars: fetches the jars once into `.cache/kafka`, writes `server.properties`/`log4j2.json`
 * into `.data/kafka`, formats the storage once, then runs `kafka.Kafka` detached, so that it
 * outlives this process (pid in `.data/kafka/kafka.pid`, stdout/stderr in `.data/kafka/kafka.out`).
 * Readiness is awaited by the caller.
 *
 * @returns the broker's pid (that of the running one, if this launcher started it already)
 * @throws Error if the jars cannot be fetched, the storage cannot be formatted or java cannot start
 */
export function startLocalKafka(config: InfraConfig, log: (line: string) => void): number {
  const paths = kafkaPaths(config);
  return withFileLock(paths.lock, 900_000, () => {
    const running = localKafkaPid(config);
    if (running !== undefined) {
      const listeners = `listeners=PLAINTEXT://${config.kafka.host}:${config.kafka.port},`;
      if (readFileSync(paths.properties, 'utf8').includes(listeners)) return running;
      throw new Error(
        `Kafka: the local broker started by infra up (pid ${running}) listens elsewhere; stop it first (infra down)`,
      );
    }
    ensureKafkaJars(paths, log);
    writeKafkaConfigFiles(config, paths);
    formatStorage(paths);

    appendFileSync(paths.out, `\n${START_MARK} at ${new Date().toISOString()}\n`);
    const out = openSync(paths.out, 'a');
    const child = spawn('java', javaArgs(paths, BROKER_JVM, 'kafka.Kafka', [paths.properties]), {
      cwd: paths.home,
      detached: true,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    child.on('error', () => undefined); // reported below: no pid
    child.unref();
    if (child.pid === undefined) throw new Error('Kafka: could not run java');
    writeFileSync(paths.pid, `${child.pid}\n`);
    log(`kafka: started a local broker (pid ${child.pid}) on ${config.kafka.host}:${config.kafka.port}, logs in ${paths.logs}`);
    return child.pid;
  });
}

/**
 * Stops the broker this launcher started (SIGTERM, up to 20 s for its controlled shutdown, then
 * SIGKILL); never a broker it did not start.
 *
 * @returns true if it was running
 */
export async function stopLocalKafka(config: InfraConfig): Promise<boolean> {
  const pid = localKafkaPid(config);
  if (pid === undefined) return false;
  await stopPid(pid, 20_000);
  rmSync(kafkaPaths(config).pid, { force: true });
  return true;
}

/**
 * Starts (or restarts, keeping its data) a broker of its own for tests, on its config's port and
 * data directory, and waits until it has every topic and a group coordinator: a suite's private
 * broker, a Jest worker's.
 */
export async function startOwnKafka(config: InfraConfig, timeoutMs: number, log: (line: string) => void = () => undefined) {
  startLocalKafka(config, log);
  await prepareKafka(config.kafka.brokers, ALL_KAFKA_TOPICS, config.kafka.partitions, timeoutMs);
}
