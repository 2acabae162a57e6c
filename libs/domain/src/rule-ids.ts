/**
 * Rule ids from the domain table (docs/domain.md, copied from the design's rule table). Every rule the code
 * encodes names its id in a comment, in policy data and in each deadline's explanation.
 */
export const RULE_IDS = [
  'R1',
  'R2',
  'R3',
  'R4',
  'R5',
  'R6',
  'R7',
  'R8',
  'R9',
  'R10',
  'R11',
  'R12',
  'R13',
  'R14',
  'R15',
  'R16',
  'R17',
  'R18',
  'R19',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/** Evidence level of a rule, as in the domain table. */
export type Confidence = 'seed' | 'law' | 'practice' | 'unverified' | 'seed + practice' | 'seed + law';

/** One line per rule: enough to label an explanation or a refusal; the full text is in docs/domain.md. */
export const RULE_SUMMARIES: { readonly [R in RuleId]: string } = {
  R1: 'competent identification authority follows the current status',
  R2: 'interviews are evidence; the competent authority decides',
  R3: 'asylum seekers are screened by DIS (Red Cross for unaccompanied minors) and assessed by CMM',
  R4: '30-day reflection period for identified victims without legal stay',
  R5: 'reflection period extension up to a total cap (120 days since 2013, 100 before)',
  R6: 'extension requested before the period ends, via CMM or shelter; DIS decides',
  R7: 'equivalent restitution period for victims with legal stay',
  R8: 'individually tailored support during the period',
  R9: 'support is never conditional on cooperation or criminal proceedings',
  R10: 'assistance during the reflection period, or during criminal proceedings; then departure',
  R11: '§9c(5) permit on police/prosecution application; requires police cooperation; not beyond the investigation',
  R12: 'permit issued 6 months at a time; each renewal needs a new police application',
  R13: 'work permit on application to DIS, without further requirements',
  R14: 'AVR and reintegration monitored for 6 months after arrival; operator is configuration',
  R15: 'return planned when presence is no longer needed after a permit',
  R16: 'no long-term assistance after the period and AVR; permit holders return when proceedings end',
  R17: 'children: guardian, best interest, family tracing, durable solution; unverified age means child',
  R18: 'asylum may be sought at any time; if granted DIS allocates a municipality',
  R19: 'AVR plan drafted during the period; offered whether or not the victim cooperates with police',
};
