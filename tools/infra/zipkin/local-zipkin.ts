import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { resolve } from 'node:path';
import { withFileLock } from '../file-lock';
import type { InfraConfig } from '../infra-config';
import { commandExists, isAlive, ownedPid, readPidFile, stopPid, tailOf } from '../processes';

/** The Zipkin server release run locally: Maven Central's `io.zipkin:zipkin-server:<v>:jar:exec`. */
export const ZIPKIN_VERSION = '3.6.1';

const JAR = `zipkin-server-${ZIPKIN_VERSION}-exec.jar`;

/**
 * A small heap: in-memory storage keeps at most `MEM_MAX_SPANS` spans (oldest traces dropped first).
 * 200 000 did not fit in 384 MB: after a few `npm run load` runs the heap was full, the JVM spent its
 * time collecting and Zipkin stopped answering (health over 3 s, 1 800 connections waiting). 50 000
 * spans are about a minute of traces at `npm run load -- --rate 20`, hours of manual use.
 */
const ZIPKIN_JVM = ['-Xms64m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];
const MEM_MAX_SPANS = '50000';

interface ZipkinPaths {
  jar: string;
  data: string;
  pid: string;
  log: string;
  lock: string;
  cacheLock: string;
}

const pathsOf = (config: InfraConfig): ZipkinPaths => {
  const data = resolve(config.dataDir, 'zipkin');
  return {
    jar: resolve(config.cacheDir, 'zipkin', ZIPKIN_VERSION, JAR),
    data,
    pid: resolve(data, 'zipkin.pid'),
    log: resolve(data, 'zipkin.log'),
    lock: resolve(config.dataDir, 'zipkin.lock'),
    cacheLock: resolve(config.cacheDir, 'zipkin.lock'),
  };
};

/** True if Zipkin answers `GET <url>/health` with 200 (its storage is up). */
export async function zipkinAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** What is missing to run a local Zipkin, as one phrase, or undefined if nothing is (Maven only while the jar is not cached). */
export function localZipkinMissing(config: InfraConfig): string | undefined {
  const missing = ['java', ...(existsSync(pathsOf(config).jar) ? [] : ['mvn'])].filter((c) => !commandExists(c));
  if (missing.length === 0) return undefined;
  const install = missing.map((c) => (c === 'java' ? 'OpenJDK 17+' : 'Maven')).join(' and ');
  return `${missing.join(' and ')} not found: install ${install}, set ZIPKIN_URL to a running Zipkin, or TRACING_EXPORTER=none`;
}

/**
 * Fetches the Zipkin server's executable jar from Maven Central into `.cache/zipkin/<version>`
 * once (Maven's `dependency:copy`, into a staging folder, then an atomic rename).
 *
 * @throws Error if Maven fails
 */
export function ensureZipkinJar(config: InfraConfig, log: (line: string) => void): string {
  const paths = pathsOf(config);
  if (existsSync(paths.jar)) return paths.jar;
  mkdirSync(config.cacheDir, { recursive: true });
  return withFileLock(paths.cacheLock, 900_000, () => {
    if (existsSync(paths.jar)) return paths.jar;
    const staging = `${paths.jar}.partial-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    log(`zipkin: fetching zipkin-server ${ZIPKIN_VERSION} with Maven into ${resolve(paths.jar, '..')} (once)`);
    const mvn = spawnSync(
      'mvn',
      [
        '-q',
        '-B',
        'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy',
        `-Dartifact=io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec`,
        `-DoutputDirectory=${staging}`,
      ],
      { cwd: config.cacheDir, encoding: 'utf8', timeout: 900_000 },
    );
    const fetched = resolve(staging, JAR);
    if (mvn.error || mvn.status !== 0 || !existsSync(fetched)) {
      rmSync(staging, { recursive: true, force: true });
      const output = `${mvn.stdout ?? ''}\n${mvn.stderr ?? ''}`;
      const firstError = output.split('\n').find((line) => line.includes('ERROR')) ?? mvn.error?.message ?? '';
      throw new Error(
        `Zipkin: fetching io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec with Maven failed (exit ${mvn.status ?? mvn.signal}); ${firstError.trim()}`,
      );
    }
    mkdirSync(resolve(paths.jar, '..'), { recursive: true });
    renameSync(fetched, paths.jar);
    for (const leftover of readdirSync(staging)) rmSync(resolve(staging, leftover), { force: true });
    rmSync(staging, { recursive: true, force: true });
    return paths.jar;
  });
}

/** Pid of the Zipkin this launcher started, if it still runs. */
export function localZipkinPid(config: InfraConfig): number | undefined {
  return ownedPid(pathsOf(config).pid, [JAR]);
}

/** Why the Zipkin just started is not coming up (it exited), or undefined while it may. */
export function localZipkinFailure(config: InfraConfig): string | undefined {
  const paths = pathsOf(config);
  const pid = readPidFile(paths.pid);
  if (pid === undefined || isAlive(pid)) return undefined;
  return `the local Zipkin (pid ${pid}) exited (see ${paths.log}): ${tailOf(paths.log, 3)}`;
}

/**
 * Starts a Zipkin server (in-memory storage, UI at `/zipkin`) on the configured port, from the
 * cached jar (fetched first if needed), detached so that it outlives this process: pid in
 * `.data/zipkin/zipkin.pid`, output in `.data/zipkin/zipkin.log`. Readiness is awaited by the caller.
 *
 * @returns its pid (that of the running one, if this launcher started it already)
 */
export function startLocalZipkin(config: InfraConfig, log: (line: string) => void): number {
  const paths = pathsOf(config);
  mkdirSync(config.dataDir, { recursive: true });
  return withFileLock(paths.lock, 900_000, () => {
    const running = localZipkinPid(config);
    if (running !== undefined) return running;
    const jar = ensureZipkinJar(config, log);
    mkdirSync(paths.data, { recursive: true });
    appendFileSync(paths.log, `\n--- tools/infra starts Zipkin at ${new Date().toISOString()}\n`);
    const out = openSync(paths.log, 'a');
    const child = spawn('java', [...ZIPKIN_JVM, '-jar', jar], {
      cwd: paths.data,
      detached: true,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        QUERY_PORT: String(config.zipkin.port),
        STORAGE_TYPE: 'mem',
        MEM_MAX_SPANS,
        JAVA_OPTS: '',
      },
    });
    closeSync(out);
    child.on('error', () => undefined); // reported below: no pid
    child.unref();
    if (child.pid === undefined) throw new Error('Zipkin: could not run java');
    writeFileSync(paths.pid, `${child.pid}\n`);
    log(`zipkin: started a local Zipkin ${ZIPKIN_VERSION} (pid ${child.pid}) on port ${config.zipkin.port}, log ${paths.log}`);
    return child.pid;
  });
}

/**
 * Stops the Zipkin this launcher started (SIGTERM, then SIGKILL after 10 s); never another.
 *
 * @returns true if it was running
 */
export async function stopLocalZipkin(config: InfraConfig): Promise<boolean> {
  const pid = localZipkinPid(config);
  if (pid === undefined) return false;
  await stopPid(pid, 10_000);
  rmSync(pathsOf(config).pid, { force: true });
  return true;
}
