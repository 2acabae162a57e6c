import { describe, expect, it } from 'vitest';
import { digestOf } from './case-view.js';

describe('digestOf', () => {
  it('gives the digests it always gave (a case opened by an older gateway keeps its view number 1)', () => {
    // Values from the digest as first written (ADR 0024), before `Math.imul` was read once per call.
    expect(digestOf('')).toBe('wvjl67o803');
    expect(digestOf('{"caseRef":"PW-7K2M9Q4X1D3F","stage":"referred"}')).toBe('1soljf9gad8');
    expect(digestOf('æøå – 30 dage')).toBe('dkljyy191v');
  });

  it('tells views apart that differ in one character', () => {
    expect(digestOf('{"stage":"referred"}')).not.toBe(digestOf('{"stage":"referrer"}'));
  });
});
