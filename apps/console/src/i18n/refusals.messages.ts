import type { components } from '../api/openapi.js';
import type { Language } from './messages.js';

type RefusalCode = NonNullable<components['schemas']['AvailableAct']['refusal']>['code'];
/** The gateway's own codes a form can meet besides the rules' refusals. */
type GatewayCode =
  | 'CASE_NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'OPERATION_NOT_PERMITTED'
  | 'GRANT_NOT_FOUND';
type Words = Readonly<Record<RefusalCode | GatewayCode, string>>;

/** Why the rules refuse an act, in plain words (the API's English sentence and the rule are shown beside it). */
const da: Words = {
  CASE_ALREADY_OPEN: 'Sagen er allerede oprettet.',
  CASE_NOT_OPEN: 'Sagen er ikke oprettet.',
  CASE_CLOSED: 'Sagen er lukket.',
  POLICY_MISMATCH: 'Sagen kører efter et andet regelsæt.',
  POLICY_NOT_IN_FORCE: 'Intet regelsæt gælder på dette tidspunkt.',
  INVALID_COMMAND: 'Oplysningerne passer ikke til handlingen.',
  NOT_IN_STAGE: 'Det kan ikke lade sig gøre i sagens nuværende fase.',
  ACTOR_NOT_PERMITTED: 'Din myndighed kan ikke foretage denne handling på sagen.',
  WRONG_AUTHORITY: 'En anden myndighed er kompetent i denne sag.',
  VICTIM_CANNOT_APPLY: 'Personen kan ikke selv søge dette.',
  INTERVIEW_REQUIRED: 'Der skal først holdes en identifikationssamtale.',
  ASSESSMENT_REQUIRED: 'Der skal først foreligge en vurdering.',
  DEADLINE_PASSED: 'Fristen er allerede udløbet.',
  DEADLINE_NOT_REACHED: 'Fristen er ikke nået endnu.',
  UNKNOWN_DEADLINE: 'Fristen findes ikke på sagen.',
  APPLICATION_PENDING: 'Der er allerede en ansøgning, som venter på afgørelse.',
  NO_PENDING_APPLICATION: 'Der er ingen ansøgning, som venter på afgørelse.',
  EXTENSION_BEYOND_CAP: 'Forlængelsen ville gå ud over loftet på i alt 120 dage.',
  GROUND_NOT_ALLOWED: 'Grundlaget giver ikke ret til forlængelse her.',
  AVR_COOPERATION_NOT_CONFIRMED: 'Samarbejdet om forberedt hjemrejse er ikke bekræftet.',
  AVR_PLAN_REQUIRED: 'Der skal først foreligge en hjemrejseplan.',
  PERMIT_NOT_AVAILABLE: 'Opholdstilladelsen kan ikke gives i denne sag.',
  HAS_LEGAL_STAY: 'Personen har allerede lovligt ophold.',
  POLICE_COOPERATION_REQUIRED: 'Tilladelsen kræver, at personen samarbejder med politiet.',
  INVESTIGATION_ENDED: 'Efterforskningen er afsluttet.',
  NO_ACTIVE_PERMIT: 'Der er ingen gældende opholdstilladelse.',
  NOT_A_CHILD: 'Personen behandles ikke som barn.',
  GUARDIAN_REQUIRED: 'Der skal først beskikkes en værge.',
  NOT_IN_BEST_INTEREST: 'Det er ikke afgjort at være i barnets interesse.',
  DURABLE_SOLUTION_REQUIRED: 'Der skal først besluttes en varig løsning.',
  NOT_DEPARTED: 'Personen er ikke registreret som udrejst.',
  CHECK_IN_NOT_DUE: 'Der er ingen opfølgningssamtale, som forfalder nu.',
  CASE_NOT_FOUND: 'Sagen findes ikke, eller din rolle har ikke adgang til den.',
  VALIDATION_FAILED: 'Oplysningerne er ikke gyldige.',
  IDEMPOTENCY_KEY_REUSED: 'Anmodningen blev allerede sendt med andre oplysninger.',
  OPERATION_NOT_PERMITTED: 'Din rolle må ikke foretage denne handling.',
  GRANT_NOT_FOUND: 'Adgangen findes ikke.',
};

const en: Words = {
  CASE_ALREADY_OPEN: 'The case is already open.',
  CASE_NOT_OPEN: 'The case is not open.',
  CASE_CLOSED: 'The case is closed.',
  POLICY_MISMATCH: 'The case runs under another policy.',
  POLICY_NOT_IN_FORCE: 'No policy is in force at this time.',
  INVALID_COMMAND: 'The details do not fit the act.',
  NOT_IN_STAGE: 'This is not possible in the case’s current stage.',
  ACTOR_NOT_PERMITTED: 'Your agency cannot take this act on the case.',
  WRONG_AUTHORITY: 'Another authority is competent in this case.',
  VICTIM_CANNOT_APPLY: 'The person cannot apply for this themselves.',
  INTERVIEW_REQUIRED: 'An identification interview must be held first.',
  ASSESSMENT_REQUIRED: 'An assessment must be made first.',
  DEADLINE_PASSED: 'The deadline has already passed.',
  DEADLINE_NOT_REACHED: 'The deadline has not been reached yet.',
  UNKNOWN_DEADLINE: 'The case has no such deadline.',
  APPLICATION_PENDING: 'An application is already waiting for a decision.',
  NO_PENDING_APPLICATION: 'No application is waiting for a decision.',
  EXTENSION_BEYOND_CAP: 'The extension would go beyond the cap of 120 days in all.',
  GROUND_NOT_ALLOWED: 'This ground gives no extension here.',
  AVR_COOPERATION_NOT_CONFIRMED: 'Cooperation on assisted return is not confirmed.',
  AVR_PLAN_REQUIRED: 'A return plan must be drafted first.',
  PERMIT_NOT_AVAILABLE: 'The residence permit cannot be given in this case.',
  HAS_LEGAL_STAY: 'The person already has legal stay.',
  POLICE_COOPERATION_REQUIRED: 'The permit requires that the person cooperates with the police.',
  INVESTIGATION_ENDED: 'The investigation has ended.',
  NO_ACTIVE_PERMIT: 'There is no residence permit in force.',
  NOT_A_CHILD: 'The person is not treated as a child.',
  GUARDIAN_REQUIRED: 'A guardian must be appointed first.',
  NOT_IN_BEST_INTEREST: 'It has not been found to be in the child’s best interest.',
  DURABLE_SOLUTION_REQUIRED: 'A durable solution must be decided first.',
  NOT_DEPARTED: 'The person is not recorded as departed.',
  CHECK_IN_NOT_DUE: 'No check-in is due now.',
  CASE_NOT_FOUND: 'The case does not exist, or your role has no access to it.',
  VALIDATION_FAILED: 'The details are not valid.',
  IDEMPOTENCY_KEY_REUSED: 'The request was already sent with other details.',
  OPERATION_NOT_PERMITTED: 'Your role may not take this act.',
  GRANT_NOT_FOUND: 'There is no such access.',
};

export const REFUSAL_WORDS: Readonly<Record<Language, Readonly<Record<string, string>>>> = { da, en };
