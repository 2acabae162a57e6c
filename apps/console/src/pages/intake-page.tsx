import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type InputHTMLAttributes, type SubmitEvent } from 'react';
import { Link, useLocation } from 'wouter';
import type { Problem } from '../api/client.js';
import type { components } from '../api/openapi.js';
import { useLanguage } from '../i18n/language.js';
import type { Role } from '../i18n/messages.js';
import { usePagesText, type PagesMessages } from '../i18n/pages.messages.js';
import { useSession } from '../session/session.js';

type OpenCaseRequest = components['schemas']['OpenCaseRequest'];
type RecordPersonRequest = components['schemas']['RecordPersonRequest'];
type PersonSections = Omit<RecordPersonRequest, 'version'>;
type Channel = NonNullable<OpenCaseRequest['channel']>;
type Age = OpenCaseRequest['facts']['age'];
type Sex = NonNullable<NonNullable<RecordPersonRequest['identity']>['sex']>;
type Section = components['schemas']['PersonView']['present'][number];

/** The roles that open cases (R1/R3; `openCase` of the access matrix): only they have `POST /<role>/cases`. */
export const OPENERS = ['cmm', 'dis', 'police', 'ngo', 'red-cross'] as const satisfies readonly Role[];
export type Opener = (typeof OPENERS)[number];

export function mayOpenCases(role: Role): role is Opener {
  return (OPENERS as readonly Role[]).includes(role);
}

/** The person's sections each opener may record (docs/personal-data.md, `PERSON_SECTIONS_BY_ROLE`). */
const SECTIONS: Readonly<Record<Opener, readonly Section[]>> = {
  cmm: ['identity', 'birth', 'nationality', 'language', 'contact', 'accommodation'],
  dis: ['identity', 'birth', 'nationality', 'language'],
  police: ['identity', 'birth', 'nationality'],
  ngo: ['identity', 'language', 'contact'],
  'red-cross': ['identity', 'birth', 'nationality', 'language'],
};

const CHANNELS = ['first-encounter', 'asylum-screening'] as const satisfies readonly Channel[];
const AGES = ['adult', 'child', 'unverified'] as const satisfies readonly Age[];
const SEXES = ['female', 'male', 'other', 'unknown'] as const satisfies readonly Sex[];
const BIRTH_KINDS = ['none', 'exact', 'estimated'] as const;
type BirthKind = (typeof BIRTH_KINDS)[number];
type YesNo = '' | 'yes' | 'no';

interface Draft {
  readonly channel: Channel;
  readonly hasLegalStay: YesNo;
  readonly age: '' | Age;
  readonly isDefendant: boolean;
  readonly siriResponsible: boolean;
  readonly unaccompanied: boolean;
  readonly isAsylumSeeker: boolean;
  readonly givenNames: string;
  readonly familyName: string;
  readonly aliases: string;
  readonly sex: '' | Sex;
  readonly birthKind: BirthKind;
  readonly birthDate: string;
  readonly claimedAge: string;
  readonly estimatedYear: string;
  readonly nationalities: string;
  readonly languages: string;
  readonly interpreterNeeded: boolean;
  readonly safePhone: string;
  readonly shelter: string;
  readonly since: string;
}
type FieldKey = keyof Draft;
type FieldErrors = Partial<Record<FieldKey, string>>;

const EMPTY: Draft = {
  channel: 'first-encounter',
  hasLegalStay: '',
  age: '',
  isDefendant: false,
  siriResponsible: false,
  unaccompanied: false,
  isAsylumSeeker: false,
  givenNames: '',
  familyName: '',
  aliases: '',
  sex: '',
  birthKind: 'none',
  birthDate: '',
  claimedAge: '',
  estimatedYear: '',
  nationalities: '',
  languages: '',
  interpreterNeeded: false,
  safePhone: '',
  shelter: '',
  since: '',
};

/** The order of the fields on the page (the error summary lists them so). */
const FIELD_ORDER = Object.keys(EMPTY) as FieldKey[];

/** The element a field's error leads to: the input, or a radio group's first option. */
const focusId = (key: FieldKey, draft: Draft): string => {
  if (key === 'channel') return `intake-channel-${draft.channel}`;
  if (key === 'hasLegalStay') return 'intake-hasLegalStay-yes';
  if (key === 'age') return 'intake-age-adult';
  if (key === 'birthKind') return `intake-birthKind-${draft.birthKind}`;
  return `intake-${key}`;
};

/** Where the API's JSON pointers land (`/facts/age`, `/identity/givenNames`, `/nationality/nationalities/1` …). */
const POINTERS: Readonly<Record<string, FieldKey>> = {
  '/channel': 'channel',
  '/facts': 'hasLegalStay',
  '/facts/hasLegalStay': 'hasLegalStay',
  '/facts/age': 'age',
  '/facts/isDefendant': 'isDefendant',
  '/facts/siriResponsible': 'siriResponsible',
  '/facts/unaccompanied': 'unaccompanied',
  '/facts/isAsylumSeeker': 'isAsylumSeeker',
  '/identity': 'givenNames',
  '/identity/givenNames': 'givenNames',
  '/identity/familyName': 'familyName',
  '/identity/aliases': 'aliases',
  '/identity/sex': 'sex',
  '/birth': 'birthKind',
  '/birth/date': 'birthDate',
  '/birth/claimedAge': 'claimedAge',
  '/birth/estimatedYear': 'estimatedYear',
  '/nationality': 'nationalities',
  '/nationality/nationalities': 'nationalities',
  '/language': 'languages',
  '/language/languages': 'languages',
  '/language/interpreterNeeded': 'interpreterNeeded',
  '/contact': 'safePhone',
  '/contact/safePhone': 'safePhone',
  '/accommodation': 'shelter',
  '/accommodation/shelter': 'shelter',
  '/accommodation/since': 'since',
};

/** The field a pointer names, trying shorter prefixes (`/identity/aliases/2` → aliases). */
function fieldOfPointer(pointer: string): FieldKey | undefined {
  for (let path = pointer; path !== ''; path = path.slice(0, Math.max(0, path.lastIndexOf('/')))) {
    const field = POINTERS[path];
    if (field !== undefined) return field;
  }
  return undefined;
}

/** The problem in an answer's body (openapi-fetch hands back the parsed body of a failure). */
function problemOf(error: unknown): Partial<Problem> {
  return typeof error === 'object' && error !== null ? error : {};
}

/** A fresh idempotency key (`crypto.randomUUID` needs a secure context; random bytes do not). */
function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

// The API's own checks (libs/contracts: the referral and the person's sections), so that a form the console
// sends is one the API accepts.
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NATIONALITY = /^[A-Z]{3}$/;
const LANGUAGE = /^[a-z]{2,3}$/;
const PHONE = /^\+[1-9]\d{6,14}$/;
const CODE = /^[a-z0-9][a-z0-9-]{0,62}$/;

const isName = (value: string): boolean => value.length <= 100 && NAME.test(value);
const isDate = (value: string): boolean =>
  DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
const list = (value: string): string[] =>
  value
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
const isWhole = (value: string, min: number, max: number): boolean =>
  /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;

interface Checked {
  readonly errors: FieldErrors;
  readonly referral: OpenCaseRequest;
  /** The sections to record, or undefined when none was filled in. */
  readonly person: PersonSections | undefined;
}

/** Checks the draft as the API would and builds the two requests: the referral and the person's sections. */
function check(draft: Draft, sections: readonly Section[], m: PagesMessages['intake']['errors']): Checked {
  const errors: FieldErrors = {};
  const e = (key: FieldKey, text: string): void => {
    errors[key] ??= text;
  };
  if (draft.hasLegalStay === '') e('hasLegalStay', m.choose);
  if (draft.age === '') e('age', m.choose);
  const referral: OpenCaseRequest = {
    channel: draft.channel,
    facts: {
      hasLegalStay: draft.hasLegalStay === 'yes',
      age: draft.age === '' ? 'unverified' : draft.age,
      isDefendant: draft.isDefendant,
      siriResponsible: draft.siriResponsible,
      unaccompanied: draft.unaccompanied,
      isAsylumSeeker: draft.isAsylumSeeker,
    },
  };

  const person: PersonSections = {};
  const may = (section: Section): boolean => sections.includes(section);
  if (may('identity')) {
    const givenNames = draft.givenNames.trim();
    const familyName = draft.familyName.trim();
    const aliases = draft.aliases
      .split(',')
      .map((alias) => alias.trim())
      .filter((alias) => alias !== '');
    if (givenNames !== '' && !isName(givenNames)) e('givenNames', m.name);
    if (familyName !== '' && !isName(familyName)) e('familyName', m.name);
    if (aliases.some((alias) => !isName(alias))) e('aliases', m.name);
    if (aliases.length > 10) e('aliases', m.tooMany(10));
    const other = familyName !== '' || aliases.length > 0 || draft.sex !== '';
    if (givenNames === '' && other) e('givenNames', m.givenNamesFirst);
    if (givenNames !== '') {
      person.identity = {
        givenNames,
        ...(familyName === '' ? {} : { familyName }),
        ...(aliases.length === 0 ? {} : { aliases }),
        ...(draft.sex === '' ? {} : { sex: draft.sex }),
      };
    }
  }
  if (may('birth')) {
    if (draft.birthKind === 'exact') {
      if (draft.birthDate === '') e('birthDate', m.required);
      else if (!isDate(draft.birthDate)) e('birthDate', m.date);
      else person.birth = { kind: 'exact', date: draft.birthDate };
    } else if (draft.birthKind === 'estimated') {
      const age = draft.claimedAge.trim();
      const year = draft.estimatedYear.trim();
      if (age === '') e('claimedAge', m.required);
      else if (!isWhole(age, 0, 120)) e('claimedAge', m.age);
      if (year !== '' && !isWhole(year, 1900, 2100)) e('estimatedYear', m.year);
      if (isWhole(age, 0, 120) && (year === '' || isWhole(year, 1900, 2100))) {
        person.birth = {
          kind: 'estimated',
          claimedAge: Number(age),
          ...(year === '' ? {} : { estimatedYear: Number(year) }),
        };
      }
    }
  }
  if (may('nationality')) {
    const nationalities = list(draft.nationalities).map((code) => code.toUpperCase());
    if (nationalities.some((code) => !NATIONALITY.test(code))) e('nationalities', m.nationality);
    else if (nationalities.length > 5) e('nationalities', m.tooMany(5));
    else if (nationalities.length > 0) person.nationality = { nationalities };
  }
  if (may('language')) {
    const languages = list(draft.languages).map((code) => code.toLowerCase());
    if (languages.some((code) => !LANGUAGE.test(code))) e('languages', m.language);
    else if (languages.length > 10) e('languages', m.tooMany(10));
    else if (languages.length > 0) {
      person.language = { languages, interpreterNeeded: draft.interpreterNeeded };
    } else if (draft.interpreterNeeded) e('languages', m.languagesFirst);
  }
  if (may('contact')) {
    const safePhone = draft.safePhone.replace(/[\s()-]/g, '');
    if (safePhone !== '' && !PHONE.test(safePhone)) e('safePhone', m.phone);
    else if (safePhone !== '') person.contact = { safePhone };
  }
  if (may('accommodation')) {
    const shelter = draft.shelter.trim();
    if (shelter !== '' && !CODE.test(shelter)) e('shelter', m.code);
    if (draft.since !== '' && !isDate(draft.since)) e('since', m.date);
    if (shelter === '' && draft.since !== '') e('shelter', m.shelterFirst);
    if (shelter !== '' && CODE.test(shelter) && (draft.since === '' || isDate(draft.since))) {
      person.accommodation = { shelter, ...(draft.since === '' ? {} : { since: draft.since }) };
    }
  }
  return { errors, referral, person: Object.keys(person).length === 0 ? undefined : person };
}

/** A refusal to show above the form (the fields it names get their own message besides). */
interface Refusal {
  readonly title: string;
  readonly detail?: string;
  readonly rule?: string;
}

/** `/intake` for a role that opens no cases: says so (the navigation offers it only to those that do). */
export function IntakeNotForRole({ role }: { readonly role: Role }) {
  const { t } = useLanguage();
  const p = usePagesText().intake;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section aria-labelledby="intake-title" className="panel narrow">
      <h1 id="intake-title" tabIndex={-1} ref={heading}>
        {p.title}
      </h1>
      <p>{p.notForRole(t.roles[role])}</p>
    </section>
  );
}

/** `/intake`: open a case (the referral's facts) and record the person's data on it, in one form. */
export function IntakePage({ role }: { readonly role: Opener }) {
  const p = usePagesText().intake;
  const { client } = useSession();
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  // The fields whose message is the API's own sentence (English), not the console's.
  const [fromApi, setFromApi] = useState<ReadonlySet<FieldKey>>(new Set());
  const [refusal, setRefusal] = useState<Refusal | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  // Once opened, the case's ref: a second submit only records the person (the referral is not sent again).
  const [opened, setOpened] = useState<string | undefined>(undefined);
  const [personFailed, setPersonFailed] = useState(false);
  // One key per form: a double submit (or a retry after a lost answer) opens one case.
  const idempotencyKey = useRef(newKey());
  const heading = useRef<HTMLHeadingElement>(null);
  const summary = useRef<HTMLDivElement>(null);
  const sections = SECTIONS[role];
  useEffect(() => {
    heading.current?.focus();
  }, []);
  const [focusSummary, setFocusSummary] = useState(0);
  useEffect(() => {
    if (focusSummary > 0) summary.current?.focus();
  }, [focusSummary]);

  const set = <K extends FieldKey>(key: K, value: Draft[K]): void => {
    setDraft((d) => ({ ...d, [key]: value }));
  };

  /** Field errors from a problem's pointers; what no field takes stays in the refusal above the form. */
  const refuse = (title: string, error: unknown, fallback?: FieldKey): void => {
    const problem = problemOf(error);
    const fields: FieldErrors = {};
    for (const entry of problem.errors ?? []) {
      const field = fieldOfPointer(entry.pointer);
      if (field !== undefined) fields[field] ??= entry.detail;
    }
    if (Object.keys(fields).length === 0 && fallback !== undefined && problem.detail !== undefined) {
      fields[fallback] = problem.detail;
    }
    setErrors(fields);
    setFromApi(new Set(Object.keys(fields) as FieldKey[]));
    setRefusal({
      title,
      ...(problem.detail === undefined ? {} : { detail: problem.detail }),
      ...(problem.rule === undefined ? {} : { rule: problem.rule }),
    });
    setFocusSummary((n) => n + 1);
  };

  const recordPerson = async (caseRef: string, person: PersonSections, retry: boolean): Promise<boolean> => {
    const path = `/${role}/cases/{caseRef}/person` as const;
    let version = 0;
    if (retry) {
      // The first try may have been stored with its answer lost: change the version there is now.
      const read = await client.GET(path, { params: { path: { caseRef } } });
      if (read.data !== undefined) version = read.data.version;
    }
    const { data, error } = await client.PATCH(path, {
      params: { path: { caseRef } },
      body: { version, ...person },
    });
    if (data !== undefined) return true;
    setPersonFailed(true);
    refuse(p.personFailed(caseRef), error);
    return false;
  };

  const done = async (caseRef: string): Promise<void> => {
    await Promise.all([
      queries.invalidateQueries({ queryKey: ['caseload', role] }),
      queries.invalidateQueries({ queryKey: ['cases', role] }),
    ]);
    navigate(`/cases/${encodeURIComponent(caseRef)}`);
  };

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    // A second click before the first answer does nothing (and the key would make it a replay anyway).
    if (inFlight.current) return;
    const checked = check(draft, sections, p.errors);
    if (Object.keys(checked.errors).length > 0) {
      setErrors(checked.errors);
      setFromApi(new Set());
      setRefusal(undefined);
      setFocusSummary((n) => n + 1);
      return;
    }
    setErrors({});
    setRefusal(undefined);
    setBusy(true);
    inFlight.current = true;
    void (async () => {
      try {
        let caseRef = opened;
        if (caseRef === undefined) {
          const { data, error, response } = await client.POST(`/${role}/cases` as const, {
            params: { header: { 'Idempotency-Key': idempotencyKey.current } },
            body: checked.referral,
          });
          if (data === undefined) {
            // Refused (4xx): nothing was opened, and the key is spent on that request; a new one for the next.
            if (response.status >= 400 && response.status < 500 && response.status !== 401) {
              idempotencyKey.current = newKey();
            }
            refuse(p.refused, error, problemOf(error).code === 'ACTOR_NOT_PERMITTED' ? 'channel' : undefined);
            return;
          }
          caseRef = data.caseRef;
          setOpened(caseRef);
        }
        if (checked.person !== undefined && !(await recordPerson(caseRef, checked.person, personFailed))) {
          return;
        }
        await done(caseRef);
      } catch {
        // No answer at all (the network): the same key again opens the case at most once.
        setRefusal({ title: p.failed });
        setFocusSummary((n) => n + 1);
      } finally {
        inFlight.current = false;
        setBusy(false);
      }
    })();
  };

  const errorList = FIELD_ORDER.filter((key) => errors[key] !== undefined);
  const describedBy = (key: FieldKey, hint: boolean): string | undefined =>
    [hint ? `intake-${key}-hint` : undefined, errors[key] === undefined ? undefined : `intake-${key}-error`]
      .filter((part) => part !== undefined)
      .join(' ') || undefined;
  const labelOfField: Readonly<Record<FieldKey, string>> = {
    channel: p.channel,
    hasLegalStay: p.hasLegalStay,
    age: p.age,
    isDefendant: p.isDefendant,
    siriResponsible: p.siriResponsible,
    unaccompanied: p.unaccompanied,
    isAsylumSeeker: p.isAsylumSeeker,
    givenNames: p.givenNames,
    familyName: p.familyName,
    aliases: p.aliases,
    sex: p.sex,
    birthKind: p.birthKind,
    birthDate: p.birthDate,
    claimedAge: p.claimedAge,
    estimatedYear: p.estimatedYear,
    nationalities: p.nationalities,
    languages: p.languages,
    interpreterNeeded: p.interpreterNeeded,
    safePhone: p.safePhone,
    shelter: p.shelter,
    since: p.since,
  };
  const errorText = (key: FieldKey) =>
    errors[key] === undefined ? null : (
      <p id={`intake-${key}-error`} className="field-error" {...(fromApi.has(key) ? { lang: 'en' } : {})}>
        {errors[key]}
      </p>
    );
  const hintText = (key: FieldKey, hint: string | undefined) =>
    hint === undefined ? null : (
      <p id={`intake-${key}-hint`} className="hint">
        {hint}
      </p>
    );
  const text = (
    key: keyof PickByValue<Draft, string>,
    { hint, ...extra }: { readonly hint?: string } & InputHTMLAttributes<HTMLInputElement> = {},
  ) => (
    <div className="field">
      <label htmlFor={`intake-${key}`}>{labelOfField[key]}</label>
      <input
        {...extra}
        id={`intake-${key}`}
        aria-invalid={errors[key] !== undefined}
        aria-describedby={describedBy(key, hint !== undefined)}
        value={draft[key]}
        onChange={(event) => {
          set(key, event.target.value);
        }}
      />
      {hintText(key, hint)}
      {errorText(key)}
    </div>
  );
  const checkbox = (key: keyof PickByValue<Draft, boolean>) => (
    <div className="field checkbox">
      <input
        type="checkbox"
        id={`intake-${key}`}
        aria-invalid={errors[key] !== undefined}
        aria-describedby={describedBy(key, false)}
        checked={draft[key]}
        onChange={(event) => {
          set(key, event.target.checked);
        }}
      />
      <label htmlFor={`intake-${key}`}>{labelOfField[key]}</label>
      {errorText(key)}
    </div>
  );
  const radios = <V extends string>(
    key: FieldKey,
    choices: readonly V[],
    labels: Readonly<Record<V, string>>,
    value: string,
    onChoose: (value: V) => void,
    options: {
      readonly required?: boolean;
      readonly hint?: string;
      readonly hints?: Readonly<Record<V, string>>;
    } = {},
  ) => (
    <fieldset
      className="radios"
      role="radiogroup"
      aria-invalid={errors[key] !== undefined}
      aria-required={options.required}
      aria-describedby={describedBy(key, options.hint !== undefined)}
    >
      <legend>
        {labelOfField[key]}
        {options.required === true && <span aria-hidden="true"> *</span>}
      </legend>
      {hintText(key, options.hint)}
      {choices.map((choice) => (
        <div className="radio" key={choice}>
          <input
            type="radio"
            id={`intake-${key}-${choice}`}
            name={`intake-${key}`}
            value={choice}
            checked={value === choice}
            aria-describedby={options.hints === undefined ? undefined : `intake-${key}-${choice}-hint`}
            onChange={() => {
              onChoose(choice);
            }}
          />
          <label htmlFor={`intake-${key}-${choice}`}>{labels[choice]}</label>
          {options.hints !== undefined && (
            <p id={`intake-${key}-${choice}-hint`} className="hint">
              {options.hints[choice]}
            </p>
          )}
        </div>
      ))}
      {errorText(key)}
    </fieldset>
  );

  return (
    <section aria-labelledby="intake-title" className="panel intake">
      <h1 id="intake-title" tabIndex={-1} ref={heading}>
        {p.title}
      </h1>
      <p>{p.intro}</p>
      <p className="muted">{p.required}</p>
      <div ref={summary} tabIndex={-1} className="error-summary-slot">
        {(errorList.length > 0 || refusal !== undefined) && (
          <div className="error-summary" role="alert" aria-labelledby="intake-errors-title">
            <h2 id="intake-errors-title">{refusal?.title ?? p.errorsTitle}</h2>
            {refusal?.detail !== undefined && (
              <p>
                <span lang="en">{refusal.detail}</span>
                {refusal.rule !== undefined && <> {p.refusedByRule(refusal.rule)}</>}
              </p>
            )}
            {errorList.length > 0 && (
              <>
                <p>{p.errorsIntro}</p>
                <ul>
                  {errorList.map((key) => (
                    <li key={key}>
                      <a
                        href={`#${focusId(key, draft)}`}
                        onClick={(event) => {
                          event.preventDefault();
                          document.getElementById(focusId(key, draft))?.focus();
                        }}
                      >
                        {labelOfField[key]} –{' '}
                        <span {...(fromApi.has(key) ? { lang: 'en' } : {})}>{errors[key]}</span>
                      </a>
                    </li>
                  ))}
                </ul>
              </>
            )}
            {opened !== undefined && personFailed && (
              <p>
                <Link href={`/cases/${encodeURIComponent(opened)}`}>{p.goToCase(opened)}</Link>
              </p>
            )}
          </div>
        )}
      </div>
      {opened !== undefined && !personFailed && (
        <p className="notice" role="status">
          {p.opened(opened)}
        </p>
      )}
      <form className="intake-form" onSubmit={submit} noValidate aria-busy={busy}>
        <fieldset className="group" disabled={opened !== undefined}>
          <legend>{p.referralLegend}</legend>
          {radios(
            'channel',
            CHANNELS,
            p.channels,
            draft.channel,
            (v) => {
              set('channel', v);
            },
            {
              required: true,
              hints: p.channelHints,
            },
          )}
          {radios(
            'hasLegalStay',
            ['yes', 'no'] as const,
            { yes: p.yes, no: p.no },
            draft.hasLegalStay,
            (v) => {
              set('hasLegalStay', v);
            },
            {
              required: true,
              hint: p.hasLegalStayHint,
            },
          )}
          {radios(
            'age',
            AGES,
            p.ages,
            draft.age,
            (v) => {
              set('age', v);
            },
            { required: true, hint: p.ageHint },
          )}
          {checkbox('unaccompanied')}
          {checkbox('isAsylumSeeker')}
          {checkbox('isDefendant')}
          {checkbox('siriResponsible')}
        </fieldset>

        <fieldset className="group">
          <legend>{p.personLegend}</legend>
          <p className="hint">{p.personIntro}</p>
          {sections.includes('identity') && (
            <fieldset className="section">
              <legend>{p.identityLegend}</legend>
              {text('givenNames', { hint: p.nameHint, autoComplete: 'off', spellCheck: false })}
              {text('familyName', { autoComplete: 'off', spellCheck: false })}
              {text('aliases', { hint: p.aliasesHint, autoComplete: 'off', spellCheck: false })}
              <div className="field">
                <label htmlFor="intake-sex">{p.sex}</label>
                <select
                  id="intake-sex"
                  aria-invalid={errors.sex !== undefined}
                  aria-describedby={describedBy('sex', false)}
                  value={draft.sex}
                  onChange={(event) => {
                    set('sex', SEXES.find((s) => s === event.target.value) ?? '');
                  }}
                >
                  <option value="">{p.sexes['']}</option>
                  {SEXES.map((s) => (
                    <option key={s} value={s}>
                      {p.sexes[s]}
                    </option>
                  ))}
                </select>
                {errorText('sex')}
              </div>
            </fieldset>
          )}
          {sections.includes('birth') && (
            <fieldset className="section">
              <legend>{p.birthLegend}</legend>
              {radios('birthKind', BIRTH_KINDS, p.birthKinds, draft.birthKind, (v) => {
                set('birthKind', v);
              })}
              {draft.birthKind === 'exact' && text('birthDate', { type: 'date', min: '1900-01-01' })}
              {draft.birthKind === 'estimated' && (
                <>
                  {text('claimedAge', { type: 'number', min: 0, max: 120, inputMode: 'numeric' })}
                  {text('estimatedYear', {
                    hint: p.estimatedYearHint,
                    type: 'number',
                    min: 1900,
                    max: 2100,
                    inputMode: 'numeric',
                  })}
                </>
              )}
            </fieldset>
          )}
          {sections.includes('nationality') && (
            <fieldset className="section">
              <legend>{p.nationalityLegend}</legend>
              {text('nationalities', {
                hint: p.nationalitiesHint,
                autoComplete: 'off',
                spellCheck: false,
                autoCapitalize: 'characters',
              })}
            </fieldset>
          )}
          {sections.includes('language') && (
            <fieldset className="section">
              <legend>{p.languageLegend}</legend>
              {text('languages', {
                hint: p.languagesHint,
                autoComplete: 'off',
                spellCheck: false,
                autoCapitalize: 'none',
              })}
              {checkbox('interpreterNeeded')}
            </fieldset>
          )}
          {sections.includes('contact') && (
            <fieldset className="section">
              <legend>{p.contactLegend}</legend>
              {text('safePhone', { hint: p.safePhoneHint, type: 'tel', autoComplete: 'off' })}
            </fieldset>
          )}
          {sections.includes('accommodation') && (
            <fieldset className="section">
              <legend>{p.accommodationLegend}</legend>
              {text('shelter', {
                hint: p.shelterHint,
                autoComplete: 'off',
                spellCheck: false,
                autoCapitalize: 'none',
              })}
              {text('since', { type: 'date', min: '1900-01-01' })}
            </fieldset>
          )}
        </fieldset>
        <button type="submit" disabled={busy}>
          {busy ? p.submitting : personFailed ? p.retryPerson : p.submit}
        </button>
      </form>
    </section>
  );
}

type PickByValue<T, V> = { readonly [K in keyof T as T[K] extends V ? K : never]: T[K] };
