import { describe, expect, it } from 'vitest';
import { gatewayEnvSchema, launcherEnvSchema } from './config.schema.js';
import { ConfigError, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('applies defaults and parses broker lists', () => {
    const config = loadConfig(gatewayEnvSchema, {
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      KAFKA_BROKERS: 'a:9092, b:9092',
      DATABASE_URL: 'postgres://pathway:secret@127.0.0.1:5433/pathway',
    });
    expect(config).toMatchObject({
      GATEWAY_PORT: 3000,
      TEMPORAL_NAMESPACE: 'default',
      KAFKA_BROKERS: ['a:9092', 'b:9092'],
    });
  });

  it('lists every bad value in one error, naming each variable', () => {
    let error: unknown;
    try {
      loadConfig(gatewayEnvSchema, {
        TEMPORAL_ADDRESS: 'nowhere',
        KAFKA_BROKERS: '',
        GATEWAY_PORT: '70000',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://pathway:s3cret-value@db/pathway',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/TEMPORAL_ADDRESS is "nowhere": must be host:port/);
    expect(problems).toMatch(/KAFKA_BROKERS is missing/);
    expect(problems).toMatch(/GATEWAY_PORT is "70000": must be between 1 and 65535/);
    expect(problems).toMatch(/LOG_LEVEL is "loud"/);
    // A database URL may hold a password: named, never shown.
    expect(problems).toMatch(/DATABASE_URL is set \(value not shown\): must be a postgres:\/\/ URL/);
    expect(problems).not.toContain('s3cret-value');
    expect((error as ConfigError).problems).toHaveLength(5);
  });

  it('treats empty strings as unset so defaults apply (the launcher starts local servers)', () => {
    const config = loadConfig(launcherEnvSchema, { TEMPORAL_ADDRESS: '', KAFKA_BROKERS: ' ' });
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.KAFKA_BROKERS).toBeUndefined();
    expect(config.TEMPORAL_PORT).toBe(7233);
  });
});
