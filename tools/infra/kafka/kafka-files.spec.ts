import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadInfraConfig, type InfraConfig } from '../infra-config';
import { KAFKA_VERSION, kafkaPaths, writeKafkaConfigFiles, type KafkaPaths } from './kafka-files';
import { kafkaJarsCached, requiredKafkaJars } from './kafka-jars';

interface Log4j2Json {
  Configuration: {
    Appenders: { Console: { name: string }; RollingFile: { name: string; fileName: string }[] };
    Loggers: {
      Root: { level: string; AppenderRef: { ref: string }[] };
      Logger: { name: string; AppenderRef?: { ref: string } }[];
    };
  };
}

describe('local Kafka files', () => {
  let dir: string;
  let config: InfraConfig;
  let paths: KafkaPaths;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kafka-files-'));
    const base = loadInfraConfig({ KAFKA_BROKERS: '127.0.0.1:19092', KAFKA_TOPIC_PARTITIONS: '3' });
    config = { ...base, cacheDir: join(dir, 'cache'), dataDir: join(dir, 'data') };
    paths = kafkaPaths(config);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a single-node KRaft server.properties: listeners from KAFKA_BROKERS, controller on port + 1', () => {
    writeKafkaConfigFiles(config, paths);
    const properties = readFileSync(paths.properties, 'utf8').split('\n');
    expect(properties).toEqual(
      expect.arrayContaining([
        'process.roles=broker,controller',
        'controller.quorum.voters=1@127.0.0.1:19093',
        'listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093',
        'advertised.listeners=PLAINTEXT://127.0.0.1:19092',
        `log.dirs=${paths.logDirs}`,
        'auto.create.topics.enable=false',
        'num.partitions=3',
      ]),
    );
  });

  it('writes a log4j2 configuration whose appenders log into .data/kafka/logs and whose references resolve', () => {
    writeKafkaConfigFiles(config, paths);
    expect(paths.log4j2).toBe(resolve(config.dataDir, 'kafka', 'log4j2.json'));
    const { Appenders, Loggers } = (JSON.parse(readFileSync(paths.log4j2, 'utf8')) as Log4j2Json).Configuration;
    expect(Appenders.RollingFile.map((appender) => appender.fileName)).toEqual(
      ['server.log', 'controller.log', 'state-change.log'].map((file) => resolve(config.dataDir, 'kafka', 'logs', file)),
    );
    const names = [Appenders.Console.name, ...Appenders.RollingFile.map((appender) => appender.name)];
    const refs = [
      ...Loggers.Root.AppenderRef.map((ref) => ref.ref),
      ...Loggers.Logger.flatMap((logger) => (logger.AppenderRef ? [logger.AppenderRef.ref] : [])),
    ];
    expect(refs.filter((ref) => !names.includes(ref))).toEqual([]);
    expect(Loggers.Root).toEqual({ level: 'INFO', AppenderRef: [{ ref: 'server' }, { ref: 'stdout' }] });
  });

  it("requires the pom's dependencies: kafka_2.13 at KAFKA_VERSION and the log4j2 slf4j binding", () => {
    expect(requiredKafkaJars()).toEqual([`kafka_2.13-${KAFKA_VERSION}.jar`, 'log4j-slf4j-impl-2.25.5.jar']);
    expect(paths.lib).toBe(resolve(config.cacheDir, 'kafka', KAFKA_VERSION, 'lib'));
  });

  describe('kafkaJarsCached', () => {
    const fill = (jars: string[]): void => {
      mkdirSync(paths.lib, { recursive: true });
      for (const jar of jars) writeFileSync(resolve(paths.lib, jar), '');
      writeFileSync(paths.libComplete, JSON.stringify(jars));
    };

    it('is true when the marker lists every required jar and every listed jar is there', () => {
      fill([...requiredKafkaJars(), 'kafka-clients-4.4.0.jar']);
      expect(kafkaJarsCached(paths)).toBe(true);
    });

    it('is false without the marker', () => {
      fill(requiredKafkaJars());
      rmSync(paths.libComplete);
      expect(kafkaJarsCached(paths)).toBe(false);
    });

    it('is false when a listed jar is gone', () => {
      fill([...requiredKafkaJars(), 'kafka-clients-4.4.0.jar']);
      rmSync(resolve(paths.lib, 'kafka-clients-4.4.0.jar'));
      expect(kafkaJarsCached(paths)).toBe(false);
    });

    it('is false for a cache filled from an older pom (Kafka 3.9 with reload4j): it is fetched again', () => {
      fill([`kafka_2.13-${KAFKA_VERSION}.jar`, 'slf4j-reload4j-1.7.36.jar', 'reload4j-1.2.25.jar']);
      expect(kafkaJarsCached(paths)).toBe(false);
    });
  });
});
