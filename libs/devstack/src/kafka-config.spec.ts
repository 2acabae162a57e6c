import { describe, expect, it } from 'vitest';
import { kafkaLayout, renderKafkaPom, renderLog4jConfig, renderServerProperties } from './kafka-config.js';

function parseProperties(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    map.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return map;
}

describe('renderServerProperties', () => {
  const props = parseProperties(
    renderServerProperties({
      host: '127.0.0.1',
      port: 19092,
      controllerPort: 19093,
      logDir: '/data/kafka/logs',
    }),
  );

  it('renders a single-node KRaft broker+controller on the given host and ports', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('node.id')).toBe('1');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(props.get('controller.listener.names')).toBe('CONTROLLER');
    expect(props.get('inter.broker.listener.name')).toBe('PLAINTEXT');
    expect(props.get('listener.security.protocol.map')).toBe('CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT');
    expect(props.get('log.dirs')).toBe('/data/kafka/logs');
  });

  it('sets the single-node replication factors and disables topic auto-creation', () => {
    for (const key of [
      'num.partitions',
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
      'share.coordinator.state.topic.replication.factor',
      'share.coordinator.state.topic.min.isr',
    ]) {
      expect(props.get(key), key).toBe('1');
    }
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(props.get('auto.create.topics.enable')).toBe('false');
  });

  it('advertises loopback when bound to a wildcard address', () => {
    const wild = parseProperties(
      renderServerProperties({ host: '0.0.0.0', port: 9092, controllerPort: 9093, logDir: '/d' }),
    );
    expect(wild.get('listeners')).toBe('PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093');
    expect(wild.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:9092');
    expect(wild.get('controller.quorum.voters')).toBe('1@127.0.0.1:9093');
  });

  it('escapes backslashes in the log dir (java.util.Properties syntax)', () => {
    const text = renderServerProperties({
      host: '127.0.0.1',
      port: 1,
      controllerPort: 2,
      logDir: 'C:\\data\\kafka',
    });
    expect(text).toContain('log.dirs=C:\\\\data\\\\kafka\n');
  });
});

describe('kafka files', () => {
  it('lays out everything under <dataDir>/kafka, with meta.properties in the log dir', () => {
    expect(kafkaLayout('/d')).toEqual({
      root: '/d/kafka',
      logDir: '/d/kafka/logs',
      serverProperties: '/d/kafka/server.properties',
      metaProperties: '/d/kafka/logs/meta.properties',
    });
  });

  it('pins kafka_2.13 4.4.0, the log4j 2.24.3 backend with its SLF4J 1.x binding, and the plugin version', () => {
    const pom = renderKafkaPom();
    expect(pom).toMatch(/<artifactId>kafka_2\.13<\/artifactId>\s*<version>4\.4\.0<\/version>/);
    expect(pom).toMatch(/<artifactId>log4j-core<\/artifactId>\s*<version>2\.24\.3<\/version>/);
    expect(pom).toMatch(/<artifactId>log4j-slf4j-impl<\/artifactId>\s*<version>2\.24\.3<\/version>/);
    expect(pom).toMatch(/<artifactId>maven-dependency-plugin<\/artifactId>\s*<version>3\.8\.1<\/version>/);
  });

  it('logs WARN and above to the console', () => {
    expect(renderLog4jConfig()).toMatch(/<Root level="WARN">/);
    expect(renderLog4jConfig()).toMatch(/<Console name="STDOUT" target="SYSTEM_OUT">/);
  });
});
