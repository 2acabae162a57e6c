import {
  ACTORS,
  AGENCY_IDS,
  type Actor,
  type AgencyEntry,
  type AgencyId,
  type OrganisationContact,
} from '../agency.js';
import { STAGES } from '../stages.js';
import type { CalendarPolicy, HolidayRule, OpeningHours } from '../calendar.js';
import { RULE_IDS } from '../rule-ids.js';
import { instant, type Duration } from '../time.js';
import { PolicyError } from './policy.errors.js';
import {
  COOPERATION_CONDITION_KINDS,
  DEADLINE_KINDS,
  EXTENSION_GROUNDS,
  FOLLOW_UP_STAGES,
  type FollowUp,
  type FollowUpStage,
  type LegalStatusChangeKind,
  SUPPORT_CONDITION_KINDS,
  SUPPORT_KINDS,
  type DeadlineKind,
  type Policy,
  type SupportCondition,
  type SupportOffer,
} from './policy.types.js';

/**
 * Validates untrusted policy data and returns a normalised, frozen `Policy`, or throws a `PolicyError` with a
 * stable code and the path of the offending field. Beyond shape and ranges it enforces:
 * - R9: no support offer may be conditional on cooperation with the authorities or on taking part in
 *   criminal proceedings (`SUPPORT_CONDITIONAL_ON_COOPERATION`);
 * - R5: the extension cap is at least each period's base length (`EXTENSION_CAP_BELOW_BASE`);
 * - every agency the policy names is in its own directory (`UNKNOWN_AGENCY`).
 */
export function loadPolicy(data: unknown): Policy {
  const root = record(data, '');
  const agencies = list(root.agencies, 'agencies', agencyEntry);
  const directory = new Set<AgencyId>(agencies.map((a) => a.id));
  if (directory.size !== agencies.length) invalid('agencies', 'agency ids must be unique');
  const known = (value: unknown, path: string): AgencyId => {
    const id = oneOf(value, path, AGENCY_IDS);
    if (!directory.has(id)) {
      throw new PolicyError('UNKNOWN_AGENCY', `${id} is not in the agency directory`, path);
    }
    return id;
  };
  const knownList = (value: unknown, path: string): AgencyId[] => nonEmpty(list(value, path, known), path);
  /** A non-empty list of actors: the victim, or agencies the directory knows. */
  const actors = (value: unknown, path: string): Actor[] =>
    nonEmpty(
      list(value, path, (v, p) => {
        const actor = oneOf(v, p, ACTORS);
        if (actor !== 'victim' && actor !== 'system') known(actor, p);
        return actor;
      }),
      path,
    );
  const statusChangeSources = (value: unknown): Policy['identification']['statusChangeSources'] => {
    const path = 'identification.statusChangeSources';
    const sources = record(value, path);
    const byKind = (kind: LegalStatusChangeKind) => knownList(sources[kind], `${path}.${kind}`);
    return {
      'legal-stay': byKind('legal-stay'),
      defendant: byKind('defendant'),
      'siri-responsible': byKind('siri-responsible'),
    };
  };

  const intake = record(root.intake, 'intake');
  const identification = record(root.identification, 'identification');
  const periods = record(root.periods, 'periods');
  const reflection = record(periods.reflection, 'periods.reflection');
  const restitution = record(periods.restitution, 'periods.restitution');
  const extension = record(periods.extension, 'periods.extension');
  const permit = record(root.permit, 'permit');
  const asylum = record(root.asylum, 'asylum');
  const avr = record(root.avr, 'avr');
  const children = record(root.children, 'children');
  const reminders = record(root.reminders, 'reminders');
  const escalation = record(root.escalation, 'escalation');

  const policy: Policy = {
    version: text(root.version, 'version'),
    jurisdiction: text(root.jurisdiction, 'jurisdiction'),
    title: text(root.title, 'title'),
    effectiveFrom: when(root.effectiveFrom, 'effectiveFrom'),
    sources: list(root.sources, 'sources', text),
    coordinator: known(root.coordinator, 'coordinator'),
    intake: { firstEncounter: knownList(intake.firstEncounter, 'intake.firstEncounter') },
    identification: {
      noLegalStay: known(identification.noLegalStay, 'identification.noLegalStay'),
      noLegalStayAlternative: known(
        identification.noLegalStayAlternative,
        'identification.noLegalStayAlternative',
      ),
      legalStay: known(identification.legalStay, 'identification.legalStay'),
      defendant: known(identification.defendant, 'identification.defendant'),
      interviewers: knownList(identification.interviewers, 'identification.interviewers'),
      interviewRequired: bool(identification.interviewRequired, 'identification.interviewRequired'),
      asylumScreeners: knownList(identification.asylumScreeners, 'identification.asylumScreeners'),
      unaccompaniedMinorScreener: known(
        identification.unaccompaniedMinorScreener,
        'identification.unaccompaniedMinorScreener',
      ),
      asylumAssessor: known(identification.asylumAssessor, 'identification.asylumAssessor'),
      statusChangeSources: statusChangeSources(identification.statusChangeSources),
      criminalCaseConcludedBy: knownList(
        identification.criminalCaseConcludedBy,
        'identification.criminalCaseConcludedBy',
      ),
    },
    periods: {
      reflection: {
        baseDays: positiveInt(reflection.baseDays, 'periods.reflection.baseDays'),
        extensionDecidedBy: known(reflection.extensionDecidedBy, 'periods.reflection.extensionDecidedBy'),
      },
      restitution: {
        baseDays: positiveInt(restitution.baseDays, 'periods.restitution.baseDays'),
        extensionDecidedBy: known(restitution.extensionDecidedBy, 'periods.restitution.extensionDecidedBy'),
      },
      extension: {
        capTotalDays: positiveInt(extension.capTotalDays, 'periods.extension.capTotalDays'),
        grounds: list(extension.grounds, 'periods.extension.grounds', (v, p) =>
          oneOf(v, p, EXTENSION_GROUNDS),
        ),
        requestedVia: actors(extension.requestedVia, 'periods.extension.requestedVia'),
      },
    },
    permit: {
      available: bool(permit.available, 'permit.available'),
      termMonths: positiveInt(permit.termMonths, 'permit.termMonths'),
      applicants: knownList(permit.applicants, 'permit.applicants'),
      decidedBy: known(permit.decidedBy, 'permit.decidedBy'),
      workPermitDecidedBy: known(permit.workPermitDecidedBy, 'permit.workPermitDecidedBy'),
      investigationEndedBy: knownList(permit.investigationEndedBy, 'permit.investigationEndedBy'),
      workPermitApplicants: actors(permit.workPermitApplicants, 'permit.workPermitApplicants'),
    },
    asylum: {
      decidedBy: known(asylum.decidedBy, 'asylum.decidedBy'),
      applicationRecordedBy: actors(asylum.applicationRecordedBy, 'asylum.applicationRecordedBy'),
      integrationBy: known(asylum.integrationBy, 'asylum.integrationBy'),
    },
    avr: {
      returnOperator: known(avr.returnOperator, 'avr.returnOperator'),
      reintegrationOperator: known(avr.reintegrationOperator, 'avr.reintegrationOperator'),
      unassistedDepartureRecordedBy: known(
        avr.unassistedDepartureRecordedBy,
        'avr.unassistedDepartureRecordedBy',
      ),
      departureRequiredTold: knownList(avr.departureRequiredTold, 'avr.departureRequiredTold'),
      departureTold: knownList(avr.departureTold, 'avr.departureTold'),
      monitoringMonths: positiveInt(avr.monitoringMonths, 'avr.monitoringMonths'),
      checkInEvery: duration(avr.checkInEvery, 'avr.checkInEvery'),
      ...(avr.checkInWindowDaysBefore === undefined
        ? {}
        : {
            checkInWindowDaysBefore: nonNegativeInt(
              avr.checkInWindowDaysBefore,
              'avr.checkInWindowDaysBefore',
            ),
          }),
    },
    children: {
      guardianAppointmentDays: nonNegativeInt(
        children.guardianAppointmentDays,
        'children.guardianAppointmentDays',
      ),
      guardianAppointedBy: known(children.guardianAppointedBy, 'children.guardianAppointedBy'),
      bestInterestDecidedBy: knownList(children.bestInterestDecidedBy, 'children.bestInterestDecidedBy'),
      familyTracingBy: knownList(children.familyTracingBy, 'children.familyTracingBy'),
      ageAssessedBy: knownList(children.ageAssessedBy, 'children.ageAssessedBy'),
    },
    reminders: remindersByKind(reminders),
    escalation: {
      to: knownList(escalation.to, 'escalation.to'),
      checkInGraceDays: nonNegativeInt(escalation.checkInGraceDays, 'escalation.checkInGraceDays'),
      ...(escalation.repeatEveryDays === undefined
        ? {}
        : { repeatEveryDays: positiveInt(escalation.repeatEveryDays, 'escalation.repeatEveryDays') }),
    },
    ...(root.followUps === undefined ? {} : { followUps: followUps(root.followUps, known) }),
    supportOffers: list(root.supportOffers, 'supportOffers', (v, p) => supportOffer(v, p, known)),
    agencies,
    ...(root.calendar === undefined ? {} : { calendar: calendarPolicy(root.calendar, 'calendar') }),
    ...(root.personData === undefined
      ? {}
      : {
          personData: {
            retentionAfterClosureDays: positiveInt(
              record(root.personData, 'personData').retentionAfterClosureDays,
              'personData.retentionAfterClosureDays',
            ),
          },
        }),
  };

  // R5: the cap is a total including the base period, so it can never be shorter than a base period.
  for (const kind of ['reflection', 'restitution'] as const) {
    if (policy.periods.extension.capTotalDays < policy.periods[kind].baseDays) {
      throw new PolicyError(
        'EXTENSION_CAP_BELOW_BASE',
        `cap of ${policy.periods.extension.capTotalDays} days is shorter than the ${kind} period`,
        'periods.extension.capTotalDays',
      );
    }
  }
  // R14: at least one check-in must fall inside the monitoring window.
  const cadence = policy.avr.checkInEvery;
  const cadenceMonthsUpperBound = cadence.unit === 'months' ? cadence.amount : cadence.amount / 28;
  if (cadenceMonthsUpperBound > policy.avr.monitoringMonths) {
    invalid('avr.checkInEvery', 'check-in cadence is longer than the monitoring period');
  }
  return deepFreeze(policy);
}

// R9: support is never conditional on cooperation or on taking part in criminal proceedings (ECAT 12(6)).
function supportOffer(
  value: unknown,
  path: string,
  known: (value: unknown, path: string) => AgencyId,
): SupportOffer {
  const offer = record(value, path);
  const conditions = list(offer.conditions, `${path}.conditions`, (v, p): SupportCondition => {
    const condition = record(v, p);
    const kind = oneOf(condition.kind, `${p}.kind`, SUPPORT_CONDITION_KINDS);
    if ((COOPERATION_CONDITION_KINDS as readonly string[]).includes(kind)) {
      throw new PolicyError(
        'SUPPORT_CONDITIONAL_ON_COOPERATION',
        `support may not be conditional on ${kind} (R9, ECAT 12(6))`,
        `${p}.kind`,
      );
    }
    return { kind };
  });
  return {
    kind: oneOf(offer.kind, `${path}.kind`, SUPPORT_KINDS),
    rule: oneOf(offer.rule, `${path}.rule`, RULE_IDS),
    providers: nonEmpty(list(offer.providers, `${path}.providers`, known), `${path}.providers`),
    availableIn: list(offer.availableIn, `${path}.availableIn`, (v, p) => oneOf(v, p, STAGES)),
    conditions,
  };
}

function remindersByKind(value: Record<string, unknown>): Policy['reminders'] {
  const result: Partial<Record<DeadlineKind, readonly number[]>> = {};
  for (const kind of DEADLINE_KINDS) {
    // Kinds added after a policy was written have no reminders in it.
    if (value[kind] !== undefined) result[kind] = list(value[kind], `reminders.${kind}`, nonNegativeInt);
  }
  return result;
}

function followUps(
  value: unknown,
  known: (value: unknown, path: string) => AgencyId,
): NonNullable<Policy['followUps']> {
  const data = record(value, 'followUps');
  const result: Partial<Record<FollowUpStage, FollowUp>> = {};
  for (const stage of Object.keys(data)) {
    const path = `followUps.${stage}`;
    const checked = oneOf(stage, path, FOLLOW_UP_STAGES);
    const entry = record(data[stage], path);
    result[checked] = {
      days: positiveInt(entry.days, `${path}.days`),
      responsible: known(entry.responsible, `${path}.responsible`),
    };
  }
  return result;
}

function agencyEntry(value: unknown, path: string): AgencyEntry {
  const entry = record(value, path);
  return {
    id: oneOf(entry.id, `${path}.id`, AGENCY_IDS),
    name: text(entry.name, `${path}.name`),
    role: text(entry.role, `${path}.role`),
    organisations: list(entry.organisations, `${path}.organisations`, organisation),
  };
}

function organisation(value: unknown, path: string): OrganisationContact {
  const org = record(value, path);
  const optional = (key: Exclude<keyof OrganisationContact, 'openingHours'>): Record<string, string> =>
    org[key] === undefined ? {} : { [key]: text(org[key], `${path}.${key}`) };
  return {
    name: text(org.name, `${path}.name`),
    ...optional('phone'),
    ...optional('hotline'),
    ...optional('hours'),
    ...optional('email'),
    ...optional('secureEmail'),
    ...optional('url'),
    ...(org.openingHours === undefined
      ? {}
      : { openingHours: openingHours(org.openingHours, `${path}.openingHours`) }),
  };
}

function calendarPolicy(value: unknown, path: string): CalendarPolicy {
  const data = record(value, path);
  const timeZone = text(data.timeZone, `${path}.timeZone`);
  if (!isKnownTimeZone(timeZone))
    invalid(`${path}.timeZone`, 'expected an IANA time zone, e.g. Europe/Copenhagen');
  const workingWeekdays = nonEmpty(
    list(data.workingWeekdays, `${path}.workingWeekdays`, (v, p) => {
      const day = positiveInt(v, p);
      if (day > 7) invalid(p, 'expected an ISO weekday 1 (Monday) to 7 (Sunday)');
      return day;
    }),
    `${path}.workingWeekdays`,
  );
  const holidays = list(data.holidays, `${path}.holidays`, (v, p): HolidayRule => {
    const rule = record(v, p);
    const name = text(rule.name, `${p}.name`);
    if (rule.easterOffset !== undefined) {
      if (typeof rule.easterOffset !== 'number' || !Number.isSafeInteger(rule.easterOffset)) {
        invalid(`${p}.easterOffset`, 'expected a whole number of days from Easter Sunday');
      }
      return { name, easterOffset: rule.easterOffset };
    }
    const month = positiveInt(rule.month, `${p}.month`);
    const day = positiveInt(rule.day, `${p}.day`);
    if (month > 12 || day > 31) invalid(p, 'expected a month 1–12 and a day 1–31');
    return { name, month, day };
  });
  return {
    timeZone,
    workingWeekdays,
    holidays,
    officeHoursStart: clock(data.officeHoursStart, `${path}.officeHoursStart`),
  };
}

function openingHours(value: unknown, path: string): OpeningHours {
  const data = record(value, path);
  const slot = (v: unknown, p: string) => {
    const s = record(v, p);
    const opens = clock(s.opens, `${p}.opens`);
    const closes = clock(s.closes, `${p}.closes`);
    if (closes <= opens) invalid(p, 'a service closes after it opens');
    return { opens, closes };
  };
  return {
    workingDays: slot(data.workingDays, `${path}.workingDays`),
    ...(data.otherDays === undefined ? {} : { otherDays: slot(data.otherDays, `${path}.otherDays`) }),
  };
}

function clock(value: unknown, path: string): string {
  if (typeof value !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) invalid(path, 'expected HH:mm');
  return value;
}

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function duration(value: unknown, path: string): Duration {
  const d = record(value, path);
  return {
    amount: positiveInt(d.amount, `${path}.amount`),
    unit: oneOf(d.unit, `${path}.unit`, ['days', 'months'] as const),
  };
}

// Small readers: each returns a checked value or throws POLICY_INVALID with the field's path.

function invalid(path: string, message: string): never {
  throw new PolicyError('POLICY_INVALID', message, path);
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    invalid(path, 'expected an object');
  return value as Record<string, unknown>;
}

function list<T>(value: unknown, path: string, item: (value: unknown, path: string) => T): T[] {
  if (!Array.isArray(value)) invalid(path, 'expected a list');
  return value.map((v: unknown, i) => item(v, `${path}[${i}]`));
}

function nonEmpty<T>(items: T[], path: string): T[] {
  if (items.length === 0) invalid(path, 'expected at least one entry');
  return items;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') invalid(path, 'expected a non-empty string');
  return value;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') invalid(path, 'expected true or false');
  return value;
}

function nonNegativeInt(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    invalid(path, 'expected a whole number ≥ 0');
  }
  return value;
}

function positiveInt(value: unknown, path: string): number {
  const n = nonNegativeInt(value, path);
  if (n === 0) invalid(path, 'expected a whole number ≥ 1');
  return n;
}

function oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    invalid(path, `expected one of ${options.join(', ')}`);
  }
  return value as T;
}

function when(value: unknown, path: string) {
  if (typeof value !== 'string') invalid(path, 'expected an ISO-8601 instant');
  try {
    return instant(value);
  } catch {
    return invalid(path, 'expected an ISO-8601 instant');
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
