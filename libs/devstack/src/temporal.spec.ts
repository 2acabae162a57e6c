import { describe, expect, it } from 'vitest';
import { temporalDevServerArgs } from './temporal.js';

describe('temporalDevServerArgs', () => {
  const base = { dataDir: '/data/temporal', host: '127.0.0.1', port: 17233, namespace: 'victim-pathway' };

  it('runs headless with SQLite in WAL mode, the namespace and quiet logs', () => {
    expect(temporalDevServerArgs(base)).toEqual([
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      '17233',
      '--headless',
      '--db-filename',
      '/data/temporal/temporal.sqlite',
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--namespace',
      'victim-pathway',
      '--dynamic-config-value',
      'frontend.enableServerVersionCheck=false',
      '--log-level',
      'warn',
      '--color',
      'never',
    ]);
  });

  it('serves the UI on uiPort instead of --headless', () => {
    const args = temporalDevServerArgs({ ...base, uiPort: 18233 });
    expect(args).not.toContain('--headless');
    expect(args.join(' ')).toContain('--ui-port 18233 --ui-disable-news-fetch');
  });

  it('points the UI at a codec server when given one', () => {
    const args = temporalDevServerArgs({
      ...base,
      uiPort: 18233,
      uiCodecEndpoint: 'http://127.0.0.1:3000/cmm/codec',
    });
    expect(args.join(' ')).toContain('--ui-codec-endpoint http://127.0.0.1:3000/cmm/codec');
    expect(temporalDevServerArgs({ ...base, uiCodecEndpoint: 'http://x/cmm/codec' })).not.toContain(
      '--ui-codec-endpoint',
    );
  });

  it('serves its metrics on a fixed port when given one', () => {
    const args = temporalDevServerArgs({ ...base, metricsPort: 18234 });
    expect(args.slice(args.indexOf('--metrics-port'), args.indexOf('--metrics-port') + 2)).toEqual([
      '--metrics-port',
      '18234',
    ]);
  });
});
