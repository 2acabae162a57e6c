import { describe, expect, it } from 'vitest';
import { traceExporterOf, workerEnvSchema } from './config.schema.js';
import { ConfigError, loadConfig } from './load-config.js';

const ENGINE = { TEMPORAL_ADDRESS: '127.0.0.1:7233', KAFKA_BROKERS: '127.0.0.1:9092' };
const exporterFor = (env: Record<string, string>) =>
  traceExporterOf(loadConfig(workerEnvSchema, { ...ENGINE, ...env }));

describe('traces are exported only when the standard OTEL_* variables ask for it', () => {
  it('is off by default', () => {
    expect(exporterFor({})).toBe('none');
  });

  it('exports over OTLP when an endpoint is set, or as OTEL_TRACES_EXPORTER says', () => {
    expect(exporterFor({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('otlp');
    expect(exporterFor({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(
      'otlp',
    );
    expect(exporterFor({ OTEL_TRACES_EXPORTER: 'console' })).toBe('console');
    expect(
      exporterFor({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }),
    ).toBe('none');
  });

  it('OTEL_SDK_DISABLED=true turns it off whatever else is set', () => {
    expect(
      exporterFor({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }),
    ).toBe('none');
  });

  it('refuses at boot what the project cannot do, naming the variable', () => {
    const problems = (env: Record<string, string>): string => {
      try {
        loadConfig(workerEnvSchema, { ...ENGINE, ...env });
      } catch (error) {
        if (error instanceof ConfigError) return error.message;
        throw error;
      }
      return '';
    };
    expect(problems({ OTEL_TRACES_EXPORTER: 'jaeger' })).toContain(
      'OTEL_TRACES_EXPORTER is "jaeger": must be otlp, console or none',
    );
    expect(problems({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toContain(
      'OTEL_EXPORTER_OTLP_PROTOCOL is "grpc"',
    );
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});
