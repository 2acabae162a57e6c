/**
 * The stages of a pathway and the moves between them. `decide` only ever emits a `StageChanged` (or
 * `CaseClosed`) that this table allows — a property test walks random command sequences to prove it — and
 * the Mermaid diagram in docs/domain.md is generated from the same table (`stageDiagram()`).
 */
export const STAGES = [
  'referred',
  'interviewing',
  'awaiting-identification',
  'reflection-period',
  'restitution-period',
  'court-granted',
  'permit',
  'asylum',
  'avr-return',
  'departure-required',
  'monitoring',
  'closed',
] as const;

export type Stage = (typeof STAGES)[number];

/** Stages in which the pathway is still open (everything but `closed`). */
export type OpenStage = Exclude<Stage, 'closed'>;
export const OPEN_STAGES: readonly OpenStage[] = STAGES.filter((s): s is OpenStage => s !== 'closed');

/** Stages before the identification decision: the competent authority (R1) can still be re-routed. */
export const PRE_IDENTIFICATION_STAGES = ['referred', 'interviewing', 'awaiting-identification'] as const;

/** The two periods: reflection (no legal stay, R4) and restitution (legal stay, R7). */
export const PERIOD_STAGES = ['reflection-period', 'restitution-period'] as const;

/** Why a pathway closed. */
export const CLOSE_REASONS = [
  'not-identified', // R1/R2: the competent authority decided the person is not a victim
  'asylum-granted', // R18: asylum granted, municipality allocated, integration plan follows
  'reintegration-completed', // R14/R16: six months of monitoring after arrival are over
  'departed', // R10/R16: left Denmark without AVR
  'period-ended-with-legal-stay', // R7: restitution period over; the person stays on their own legal grounds
  'victim-withdrew', // closed by the coordinator: the victim no longer wants support
  'whereabouts-unknown', // closed by the coordinator: contact lost
  'referred-in-error', // closed by the coordinator: not a trafficking case
] as const;

export type CloseReason = (typeof CLOSE_REASONS)[number];

/** Reasons the coordinator may give when closing a case by hand (the rest follow from the rules). */
export const MANUAL_CLOSE_REASONS = ['victim-withdrew', 'whereabouts-unknown', 'referred-in-error'] as const;
export type ManualCloseReason = (typeof MANUAL_CLOSE_REASONS)[number];

/**
 * Allowed `StageChanged` moves. Closing (`CaseClosed`) is allowed from every open stage and is not listed.
 * `asylum` lists every stage an asylum refusal may resume (R18).
 */
export const STAGE_TRANSITIONS: { readonly [S in OpenStage]: readonly OpenStage[] } = {
  referred: ['interviewing', 'awaiting-identification', 'court-granted', 'asylum'],
  interviewing: ['awaiting-identification', 'court-granted', 'asylum'],
  'awaiting-identification': ['reflection-period', 'restitution-period', 'court-granted', 'asylum'],
  'reflection-period': ['permit', 'avr-return', 'departure-required', 'asylum'],
  'restitution-period': ['permit', 'avr-return', 'departure-required', 'asylum'],
  'court-granted': ['reflection-period', 'restitution-period', 'asylum'],
  permit: ['avr-return', 'departure-required', 'asylum'],
  // R18: wherever the claim was made in Denmark (every open stage but the claim itself and monitoring abroad).
  asylum: OPEN_STAGES.filter((s) => s !== 'asylum' && s !== 'monitoring'),
  'avr-return': ['permit', 'monitoring', 'asylum'],
  'departure-required': ['permit', 'avr-return', 'asylum'],
  monitoring: [],
};

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

export function isTransitionAllowed(from: Stage, to: Stage): boolean {
  if (from === 'closed') return false;
  if (to === 'closed') return true;
  return STAGE_TRANSITIONS[from].includes(to);
}

/** Why the pathway takes a transition: the command or clock, and the rule (labels for the diagram). */
export function transitionLabel(from: OpenStage, to: OpenStage): string {
  if (to === 'asylum') return 'applyForAsylum (R18)';
  if (from === 'asylum') return 'asylum refused (R18)';
  if (to === 'court-granted') return 'courtGrantsStatus (R1)';
  if (to === 'permit') return 'permit granted (R11)';
  switch (`${from}>${to}`) {
    case 'referred>interviewing':
      return 'recordInterview (R2)';
    case 'referred>awaiting-identification':
    case 'interviewing>awaiting-identification':
      return 'submitForIdentification (R1)';
    case 'awaiting-identification>reflection-period':
      return 'identified, no legal stay (R4)';
    case 'awaiting-identification>restitution-period':
      return 'identified, legal stay (R7)';
    case 'court-granted>reflection-period':
    case 'court-granted>restitution-period':
      return 'concludeCriminalCase (R10)';
    case 'reflection-period>avr-return':
    case 'restitution-period>avr-return':
      return 'period ends or early departure, with AVR (R19)';
    case 'reflection-period>departure-required':
    case 'restitution-period>departure-required':
      return 'period ends (R10)';
    case 'permit>avr-return':
      return 'presence no longer needed, with AVR (R15)';
    case 'permit>departure-required':
      return 'permit expired or investigation ended (R16)';
    case 'departure-required>avr-return':
      return 'confirmAvrCooperation (R19)';
    case 'avr-return>monitoring':
      return 'recordArrival (R14)';
    default:
      return '';
  }
}

/** Mermaid `stateDiagram-v2` source for the stage table (pasted into docs/domain.md). */
export function stageDiagram(): string {
  const id = (stage: Stage): string => stage.replaceAll('-', '_');
  const lines = [
    'stateDiagram-v2',
    '  [*] --> referred: referCase by police, DIS, CMM, NGO or asylum screening (R3)',
  ];
  for (const from of STAGES) {
    if (from === 'closed') continue;
    for (const to of STAGE_TRANSITIONS[from]) {
      const label = transitionLabel(from, to);
      lines.push(`  ${id(from)} --> ${id(to)}${label === '' ? '' : `: ${label}`}`);
    }
  }
  lines.push('  monitoring --> closed: six months after arrival (R14, R16)');
  lines.push('  closed --> [*]');
  lines.push('  note right of closed: every open stage may close (CaseClosed with a reason)');
  return lines.join('\n');
}
