import type { Operation } from '../../../../libs/access/src/index.js';
import type { Role } from '../../../../libs/contracts/src/index.js';

/** The OpenAPI document's words: who each gateway serves, and what each operation does (rule ids). */

export const ROLE_TITLES: { readonly [R in Role]: string } = {
  cmm: 'CMM caseworker (Danish Centre against Human Trafficking)',
  dis: 'DIS officer (Danish Immigration Service)',
  siri: 'SIRI officer',
  police: 'Police investigator',
  prosecution: 'Prosecutor',
  court: 'Court',
  iom: 'IOM officer (assisted return and reintegration)',
  drc: 'DRC officer (reintegration, where a policy names the Danish Refugee Council as operator)',
  'return-agency':
    'Return Agency officer (travel, where a policy names the Danish Return Agency as operator)',
  ngo: 'NGO worker',
  shelter: 'Shelter worker',
  municipality: 'Municipality officer',
  'red-cross': 'Red Cross (screening of unaccompanied minors)',
  guardian: 'Guardian of a child',
  auditor: 'Auditor (read only)',
};

export const OPERATION_DOCS: {
  readonly [O in Operation]: { readonly summary: string; readonly description?: string };
} = {
  openCase: {
    summary: 'Open a case pathway for a presumed victim (first encounter or asylum screening, R1/R3)',
    description:
      'The case gets a fresh pseudonymous reference; the referring organisation keeps access to it. With an Idempotency-Key a retried referral answers with the case the first one opened (`Idempotent-Replayed: true`).',
  },
  viewCase: {
    summary:
      'The case as your role may see it: stage, deadlines with explanations, next steps in words, support, timeline',
  },
  availableActs: {
    summary: 'The acts your role may take on the case now, each with why not when it may not',
    description:
      'The domain’s own answer: each act your role may ever take is tried on the case as it is, with each of its choices (outcomes, reasons, kinds of change), so the answer is what the act would get. An unavailable act carries its refusal (code, reason, rule); one that is done says so. For a form: only the choices listed are accepted now, and `maxDays` bounds an extension.',
  },
  listCases: {
    summary: 'Open cases in your scope, newest first, optionally in one stage (paged)',
    description:
      'From the read model (the audit stream projected into PostgreSQL, usually a second or less behind an act). Pages of `limit`; the next page is the `Link: <…>; rel="next"` answer header (an opaque `cursor`).',
  },
  listDeadlines: {
    summary:
      'My deadlines: every running deadline your agency must meet (a guardian: every deadline of their children’s cases), soonest first (paged)',
    description:
      'Every deadline, not only each case’s soonest: filter by `kind`, `stage`, the horizon `days` (due within that many days, the overdue ones included) and `overdue=true`. From the read model; pages of `limit`, the next page in the `Link: <…>; rel="next"` header. The auditor sees every agency’s.',
  },
  caseloadCounts: { summary: 'The caseload: open cases in your scope per stage, and in all' },
  grantAccess: {
    summary:
      'Give a role’s party access to the case: assign an NGO or shelter, link a police unit, hand over to IOM, register a guardian',
  },
  revokeAccess: { summary: 'Withdraw a grant' },
  viewPerson: {
    summary: 'Read the person behind the case: the sections your role needs (docs/personal-data.md)',
    description:
      'Only the sections your role may see are answered; `present` names every section the record holds (the auditor sees only that). Notes are answered to the roles that read them. Every read is an access record naming the sections, never the values.',
  },
  recordPerson: {
    summary: 'Record or change sections of the person record (on the version you read)',
    description:
      'The sections given replace the stored ones; `null` removes one. `version` is the version you read (0 for a case without a record): a change made on an older version is refused (409 PERSON_VERSION_CONFLICT) and changes nothing. Only sections your role may see may be changed. Stored sealed with the case’s own key; never in Temporal, on Kafka or in a log.',
  },
  addCaseNote: {
    summary: 'Add a case note (a correction is a new note naming the one it corrects)',
  },
  exportPerson: {
    summary: 'Everything the system holds about the person and the case, in one document (GDPR Art. 15)',
  },
  erasePerson: {
    summary: 'Erase the person’s data (crypto-shredding): the case keeps its process facts',
    description:
      'Destroys the case’s data key and its sealed rows: every copy of the person’s data (backups included) becomes unreadable. Dates, stages, decisions and deadlines stay. Erasing again answers the first erasure.',
  },
  decodePayloads: {
    summary: 'Temporal codec server: open the payloads the Temporal UI or CLI shows (access-logged)',
    description:
      'Temporal’s codec-server protocol. Give `<gateway>/cmm/codec` to the Temporal UI (Data Encoder, “pass access token”) or to `temporal --codec-endpoint … --codec-auth "Bearer …"`. Payloads sealed by the project’s codec are answered opened; others are answered as they came. Every call is an access record.',
  },
  encodePayloads: {
    summary: 'Temporal codec server: seal payloads the Temporal UI or CLI sends (a signal, a query argument)',
  },
  createCalendarFeed: {
    summary: 'Make a calendar feed of your deadlines: its address, with its secret, is answered once',
    description:
      'Calendar clients cannot send a bearer header, so a feed carries its own secret in its address (`…/deadlines.ics?token=…`). The secret is shown only in this answer (only its SHA-256 digest is kept); anyone who has the address reads your case refs and deadlines until you revoke the feed. At most 10 active feeds per caller (409 FEED_LIMIT_REACHED).',
  },
  listCalendarFeeds: { summary: 'Your active calendar feeds (without their secrets), newest first' },
  revokeCalendarFeed: {
    summary: 'Revoke one of your calendar feeds: its address answers 404 from now on',
  },
  deadlineCalendar: {
    summary:
      'My deadlines as iCalendar (RFC 5545), for a calendar client to subscribe to: authenticated by the feed’s `token`, not a bearer header',
    description:
      'What `GET /<role>/deadlines` lists for the feed’s owner — the overdue deadlines and those due within 365 days, at most 1,000 — one VEVENT per deadline: UID from the deadline and its case, DTSTART its due instant (UTC), SUMMARY the case ref and the kind in words, DESCRIPTION its explanation and rules, URL the case’s page in the console, and a VALARM (DISPLAY) at each reminder still to come. Case refs only, never a person’s name: calendar servers copy feeds. Every read is an access record (never the secret).',
  },
  recordInterview: { summary: 'Record an identification interview (evidence only, R2)' },
  submitForIdentification: {
    summary: 'Submit the case to the competent authority for its decision (R1, R2)',
  },
  decideIdentification: {
    summary: 'Decide identification as the competent authority (R1); identified starts the period (R4/R7)',
  },
  courtGrantsStatus: { summary: 'A court grants victim status to a defendant (R1)' },
  concludeCriminalCase: { summary: 'The criminal case is concluded; the period follows (R1, R10)' },
  changeLegalStatus: {
    summary: 'Legal stay, a criminal charge or SIRI competence changed: identification is re-routed (R1)',
  },
  recordAgeAssessment: {
    summary: 'Record an age assessment; until one says adult the person is treated as a child (R17)',
  },
  appointGuardian: { summary: 'Appoint the child’s guardian (R17)' },
  decideBestInterest: {
    summary: 'Decide family tracing and the durable solution in the child’s best interest (R17)',
  },
  startFamilyTracing: { summary: 'Start family tracing, where in the child’s best interest (R17)' },
  confirmAvrCooperation: { summary: 'Confirm the victim cooperates on assisted voluntary return (R5, R19)' },
  draftAvrPlan: { summary: 'Record that the AVR plan is drafted (R19)' },
  requestExtension: {
    summary: 'Request an extension of the period before it ends, on the victim’s behalf (R5, R6)',
    description:
      'Within the 120-day cap (refused with EXTENSION_BEYOND_CAP, with the cap and latest end in `details`).',
  },
  decideExtension: {
    summary: 'Grant (possibly fewer days) or refuse the pending extension request (R5, R6)',
  },
  applyForPermit: { summary: 'Apply for the §9c(5) residence permit on the victim’s behalf (R11)' },
  requestPermitRenewal: { summary: 'Apply for the renewal of the permit’s 6-month term (R12)' },
  decidePermit: { summary: 'Grant or refuse the permit application or renewal (R11, R12)' },
  applyForWorkPermit: { summary: 'Apply for a work permit for a §9c(5) permit holder (R13)' },
  decideWorkPermit: { summary: 'Grant the work permit, without further requirements (R13)' },
  endInvestigation: {
    summary: 'The investigation or prosecution has ended; no renewal after it (R11, R15, R16)',
  },
  applyForAsylum: { summary: 'Record an asylum application; the pathway’s clock is held meanwhile (R18)' },
  decideAsylum: { summary: 'Grant asylum and name the municipality (3-digit code), or refuse (R18)' },
  recordDeparture: { summary: 'Record the departure (assisted under AVR, or without it) (R10, R14, R19)' },
  recordArrival: {
    summary: 'Record the arrival in the country of return: six months of monitoring start (R14)',
  },
  recordCheckIn: { summary: 'Record this month’s reintegration check-in (R14)' },
  closeCase: { summary: 'Close the case by hand, with a reason (CMM)' },
};
