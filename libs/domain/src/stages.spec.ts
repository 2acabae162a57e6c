import { describe, expect, it } from 'vitest';
import {
  isTransitionAllowed,
  stageDiagram,
  STAGE_TRANSITIONS,
  STAGES,
  transitionLabel,
  type OpenStage,
} from './stages.js';

describe('stages', () => {
  it('R1: every open stage can reach closed, and nothing leaves closed', () => {
    for (const stage of STAGES) expect(isTransitionAllowed(stage, 'closed')).toBe(stage !== 'closed');
    expect(isTransitionAllowed('closed', 'referred')).toBe(false);
  });

  it('R18: an asylum claim can be made from every stage in Denmark and resumes where it left off', () => {
    for (const [from, targets] of Object.entries(STAGE_TRANSITIONS)) {
      if (from === 'asylum' || from === 'monitoring') continue;
      expect(targets).toContain('asylum');
      expect(STAGE_TRANSITIONS.asylum).toContain(from);
    }
  });

  it('R1: the Mermaid diagram lists every declared transition', () => {
    const diagram = stageDiagram();
    expect(diagram.startsWith('stateDiagram-v2')).toBe(true);
    expect(diagram).toContain(
      'awaiting_identification --> reflection_period: identified, no legal stay (R4)',
    );
    for (const [from, targets] of Object.entries(STAGE_TRANSITIONS)) {
      for (const to of targets) expect(transitionLabel(from as OpenStage, to)).not.toBe('');
    }
    const arrows = diagram.split('\n').filter((l) => l.includes('-->')).length;
    const declared = Object.values(STAGE_TRANSITIONS).reduce((n, targets) => n + targets.length, 0);
    expect(arrows).toBe(declared + 3);
  });
});
