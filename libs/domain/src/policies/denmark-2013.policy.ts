import { OPEN_STAGES, PERIOD_STAGES } from '../stages.js';
import type { CalendarPolicy } from '../calendar.js';
import { loadPolicy } from '../policy/policy.load.js';
import type { Policy, PolicyData, SupportOffer } from '../policy/policy.types.js';
import { instant } from '../time.js';
import { DENMARK_AGENCIES } from './denmark.agencies.js';

// R8/R10: the core support runs during the period, during criminal proceedings (permit, court-granted)
// and while an asylum claim is pending.
const SUPPORTED_STAGES = [...PERIOD_STAGES, 'court-granted', 'permit', 'asylum'] as const;

/** R8, R9, R17, R19: support offers shared by the Danish presets. No offer has a cooperation condition. */
export const DENMARK_SUPPORT_OFFERS: readonly SupportOffer[] = [
  {
    kind: 'accommodation',
    rule: 'R8',
    providers: ['shelter'],
    availableIn: SUPPORTED_STAGES,
    conditions: [],
  },
  {
    kind: 'medical-care',
    rule: 'R8',
    providers: ['cmm', 'ngo'],
    availableIn: SUPPORTED_STAGES,
    conditions: [],
  },
  {
    kind: 'legal-counselling',
    rule: 'R8',
    providers: ['cmm'],
    availableIn: SUPPORTED_STAGES,
    conditions: [],
  },
  {
    kind: 'psychological-support',
    rule: 'R8',
    providers: ['cmm', 'ngo'],
    availableIn: SUPPORTED_STAGES,
    conditions: [],
  },
  {
    // R19: AVR is offered whether or not the victim cooperates with the police.
    kind: 'assisted-voluntary-return',
    rule: 'R19',
    providers: ['iom', 'cmm'],
    availableIn: [
      'reflection-period',
      'restitution-period',
      'permit',
      'court-granted',
      'departure-required',
      'avr-return',
      'monitoring',
    ],
    conditions: [],
  },
  {
    kind: 'child-support',
    rule: 'R17',
    providers: ['guardian', 'municipality'],
    availableIn: OPEN_STAGES,
    conditions: [{ kind: 'is-child' }],
  },
  {
    kind: 'family-tracing',
    rule: 'R17',
    providers: ['iom', 'red-cross'],
    availableIn: OPEN_STAGES,
    conditions: [{ kind: 'is-child' }],
  },
];

/**
 * Denmark from L 129 (2012-13): reflection period 30 days extendable to 120 days in total, §9c(5) permit for
 * 6 months at a time, AVR and six months of reintegration monitoring by IOM (per the seed). The default.
 *
 * Effective date: L 129 enters into force "the day after publication in Lovtidende"; we read it as Act
 * No. 430 of 1 May 2013, in force 3 May 2013 (Copenhagen midnight, 22:00 UTC the day before). Unverified:
 * confirm against Lovtidende.
 */
/**
 * The person's data is kept 5 years after the case closes, then erased (unverified: our reading of the usual
 * retention of a Danish public case file; to confirm with CMM's records-management and data-protection
 * officers, docs/domain.md). The process facts stay.
 */
const DENMARK_PERSON_DATA = { retentionAfterClosureDays: 5 * 365 } as const;

export const DENMARK_2013_DATA: PolicyData = {
  version: 'dk-2013.1',
  jurisdiction: 'DK',
  title: 'Denmark, Aliens Act after L 129 (2012-13): 120-day cap, §9c(5) permit',
  effectiveFrom: instant('2013-05-02T22:00:00.000Z'),
  sources: [
    'seed 000_bd71050944f98882',
    'Aliens Act §33(14) as amended by L 129 (2012-13)',
    'Aliens Act §9c(5)',
    'Council of Europe Convention (ECAT) arts. 10, 12(6), 13, 14(5)',
  ],
  coordinator: 'cmm',
  intake: { firstEncounter: ['police', 'dis', 'cmm', 'ngo'] },
  identification: {
    noLegalStay: 'dis',
    noLegalStayAlternative: 'siri',
    legalStay: 'cmm',
    defendant: 'court',
    interviewers: ['cmm', 'ngo'],
    interviewRequired: true,
    asylumScreeners: ['dis'],
    unaccompaniedMinorScreener: 'red-cross',
    asylumAssessor: 'cmm',
    // R1: legal stay is an immigration matter; a charge a criminal one.
    statusChangeSources: {
      'legal-stay': ['dis', 'siri'],
      defendant: ['police', 'prosecution', 'court'],
      'siri-responsible': ['dis', 'siri'],
    },
    // R10: the court that recognised the victim, or the prosecution.
    criminalCaseConcludedBy: ['court', 'prosecution'],
  },
  periods: {
    reflection: { baseDays: 30, extensionDecidedBy: 'dis' },
    // R7: "equivalent" period; who extends it for a person with legal stay is not in the sources (open question).
    restitution: { baseDays: 30, extensionDecidedBy: 'cmm' },
    extension: {
      capTotalDays: 120,
      grounds: ['avr-cooperation', 'special-reasons'],
      requestedVia: ['victim', 'cmm', 'shelter'],
    },
  },
  permit: {
    available: true,
    termMonths: 6,
    applicants: ['police', 'prosecution'],
    decidedBy: 'dis',
    workPermitDecidedBy: 'dis',
    investigationEndedBy: ['police', 'prosecution', 'court'],
    workPermitApplicants: ['victim', 'cmm', 'ngo', 'shelter'],
  },
  asylum: {
    decidedBy: 'dis',
    applicationRecordedBy: ['victim', 'dis', 'police', 'cmm', 'ngo', 'shelter', 'guardian'],
    integrationBy: 'municipality',
  },
  avr: {
    returnOperator: 'iom',
    reintegrationOperator: 'iom',
    unassistedDepartureRecordedBy: 'police',
    departureRequiredTold: ['dis', 'police'],
    departureTold: ['dis'],
    monitoringMonths: 6,
    checkInEvery: { amount: 1, unit: 'months' },
  },
  children: {
    guardianAppointmentDays: 3,
    guardianAppointedBy: 'municipality',
    bestInterestDecidedBy: ['municipality', 'cmm'],
    familyTracingBy: ['iom', 'red-cross'],
    ageAssessedBy: ['dis', 'police'],
  },
  reminders: {
    'guardian-appointment': [1],
    'reflection-period-end': [10, 3],
    'restitution-period-end': [10, 3],
    'extension-decision': [3],
    'permit-expiry': [30, 7],
    'permit-renewal-decision': [7],
    'check-in': [3],
    'monitoring-end': [14],
  },
  escalation: { to: ['cmm'], checkInGraceDays: 3 },
  supportOffers: DENMARK_SUPPORT_OFFERS,
  agencies: DENMARK_AGENCIES,
  personData: DENMARK_PERSON_DATA,
};

export const DENMARK_2013: Policy = loadPolicy(DENMARK_2013_DATA);

/**
 * Denmark's calendar: Europe/Copenhagen, Monday to Friday, the public holidays of the Holidays Act
 * (helligdagsloven) as amended from 2024 (Great Prayer Day abolished), office hours from 8.30. Christmas Eve,
 * New Year's Eve and Constitution Day are not public holidays and are working days here.
 */
export const DANISH_CALENDAR: CalendarPolicy = {
  timeZone: 'Europe/Copenhagen',
  workingWeekdays: [1, 2, 3, 4, 5],
  holidays: [
    { name: "New Year's Day", month: 1, day: 1 },
    { name: 'Maundy Thursday', easterOffset: -3 },
    { name: 'Good Friday', easterOffset: -2 },
    { name: 'Easter Sunday', easterOffset: 0 },
    { name: 'Easter Monday', easterOffset: 1 },
    { name: 'Ascension Day', easterOffset: 39 },
    { name: 'Whit Sunday', easterOffset: 49 },
    { name: 'Whit Monday', easterOffset: 50 },
    { name: 'Christmas Day', month: 12, day: 25 },
    { name: 'Boxing Day', month: 12, day: 26 },
  ],
  officeHoursStart: '08:30',
};

/**
 * The same law as `dk-2013.1`, revised on 6 December 2026 in how the system keeps time: periods are counted
 * in Copenhagen calendar days and months (daylight saving included) instead of UTC, and reminders that would
 * fall on a weekend or public holiday go out on the previous working day at the start of office hours;
 * check-ins count within a window before each due date, and the last one gets its grace before monitoring
 * ends. Cases opened before keep `dk-2013.1` and its rules.
 */
export const DENMARK_2013_REVISED_DATA: PolicyData = {
  ...DENMARK_2013_DATA,
  version: 'dk-2013.2',
  title: `${DENMARK_2013_DATA.title}; Copenhagen calendar, working-day reminders`,
  effectiveFrom: instant('2026-12-06T15:00:00.000Z'),
  sources: [...DENMARK_2013_DATA.sources, 'Holidays Act (helligdagsloven) as amended by Act No. 163 of 2023'],
  calendar: DANISH_CALENDAR,
  // R14: a monthly check-in counts from 10 days before its due date (unverified: IOM's practice).
  avr: { ...DENMARK_2013_DATA.avr, checkInWindowDaysBefore: 10 },
  // A held decision or a missing departure escalates again every week while it is missing (unverified).
  escalation: { ...DENMARK_2013_DATA.escalation, repeatEveryDays: 7 },
  // R10/R19: a person who must leave should have left within 30 days (DIS's departure deadline, cmm.dk); an
  // assisted return should be carried out within 60 days. Both unverified: escalated to CMM if not.
  followUps: {
    'departure-required': { days: 30, responsible: 'police' },
    'avr-return': { days: 60, responsible: 'iom' },
  },
  reminders: { ...DENMARK_2013_DATA.reminders, 'departure-follow-up': [7], 'return-follow-up': [7] },
};

export const DENMARK_2013_REVISED: Policy = loadPolicy(DENMARK_2013_REVISED_DATA);
