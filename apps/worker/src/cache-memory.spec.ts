import { describe, expect, it } from 'vitest';
import { cacheMemoryWarning } from './pathway-worker.js';

describe('the workflow cache against the heap ceiling (ADR 0022)', () => {
  it('is quiet when the default cache fits the default ceiling', () => {
    expect(cacheMemoryWarning(50, 256)).toBeUndefined();
    expect(cacheMemoryWarning(100, 256)).toBeUndefined();
    expect(cacheMemoryWarning(0, 128)).toBeUndefined();
  });

  it('names the settings when the cache may not fit', () => {
    const warning = cacheMemoryWarning(500, 256);
    expect(warning).toMatch(/WORKER_MAX_CACHED_WORKFLOWS=500/);
    expect(warning).toMatch(/WORKER_HEAP_MB/);
    expect(cacheMemoryWarning(500, 4096)).toBeUndefined();
  });
});
