import { z } from 'zod';
import type { CaseRef } from '../../domain/src/case-ref.js';
import type { IdentifyingAuthority } from '../../domain/src/walking-skeleton.js';

/** Body of `POST /cases`: facts needed to route the case. No personal data is accepted here. */
export const openCaseRequestSchema = z.strictObject({
  referredBy: z.enum(['police', 'dis', 'cmm', 'ngo']),
  hasLegalStay: z.boolean(),
  isDefendantInCriminalCase: z.boolean().default(false),
});
export type OpenCaseRequest = z.infer<typeof openCaseRequestSchema>;

export interface VictimPathwayInput {
  readonly caseRef: CaseRef;
  readonly intake: OpenCaseRequest;
}

export const decideIdentificationSchema = z.strictObject({
  identified: z.boolean(),
  decidedBy: z.enum(['dis', 'cmm', 'court']),
});
export type DecideIdentification = z.infer<typeof decideIdentificationSchema>;

export type PathwayStage =
  'awaiting-identification' | 'reflection-period' | 'departure-required' | 'not-identified';

export interface TimelineEntry {
  readonly at: string;
  readonly what: string;
}

export interface DeadlineView {
  readonly kind: 'reflection-period-end';
  readonly dueAt: string;
  readonly ruleId: string;
  readonly startedAt: string;
}

export interface CaseStateView {
  readonly caseRef: string;
  readonly stage: PathwayStage;
  readonly referredBy: OpenCaseRequest['referredBy'];
  readonly competentAuthority: IdentifyingAuthority;
  readonly openedAt: string;
  readonly deadlines: readonly DeadlineView[];
  readonly timeline: readonly TimelineEntry[];
}
