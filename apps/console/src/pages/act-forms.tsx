import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type ReactNode, type SubmitEvent } from 'react';
import { ApiError, apiError, type ApiClient } from '../api/client.js';
import type { components } from '../api/openapi.js';
import { CASE_MESSAGES, type ActName, type CaseMessages } from '../i18n/case.messages.js';
import { useLanguage } from '../i18n/language.js';
import type { Role } from '../i18n/messages.js';
import { REFUSAL_WORDS } from '../i18n/refusals.messages.js';
import { useSession } from '../session/session.js';

type AvailableAct = components['schemas']['AvailableAct'];
type Body = Record<string, unknown>;

/** The acts the role may take on the case now, as the domain answers them. */
export function useAvailableActs(role: Role, caseRef: string) {
  const { client } = useSession();
  return useQuery({
    queryKey: ['available-acts', role, caseRef],
    queryFn: async () => {
      const { data, error, response } = await client.GET(`/${role}/cases/{caseRef}/available-acts` as const, {
        params: { path: { caseRef } },
      });
      if (data === undefined) throw apiError(response, error);
      return data;
    },
  });
}

/**
 * POSTs an act. Its route comes at run time from the API's own answer (`path` of an available act), so no
 * compile-time path names it: the one route type below stands for all of them (same parameters, same
 * answer); the body was built from the act's choices and is checked by the gateway's schema.
 */
async function postAct(
  client: ApiClient,
  role: Role,
  caseRef: string,
  path: string,
  body: Body,
  idempotencyKey: string,
): Promise<void> {
  const route = `/${role}/cases/{caseRef}/${path}` as '/cmm/cases/{caseRef}/record-interview';
  const { data, error, response } = await client.POST(route, {
    params: { path: { caseRef }, header: { 'Idempotency-Key': idempotencyKey } },
    body: body as never,
  });
  if (data === undefined) throw apiError(response, error);
}

/** The distinct values the accepted choices give one field, in the domain's order. */
function valuesOf(act: AvailableAct, field: string): readonly (string | boolean)[] {
  const values: (string | boolean)[] = [];
  for (const choice of act.choices ?? []) {
    const value = choice[field];
    if (value !== undefined && !values.includes(value)) values.push(value);
  }
  return values;
}

const LEGAL_STATUS_FIELD: Readonly<Record<string, string>> = {
  'legal-stay': 'hasLegalStay',
  defendant: 'isDefendant',
  'siri-responsible': 'siriResponsible',
};

interface FieldProps {
  readonly label: string;
  readonly hint?: string;
  readonly error?: string;
  readonly children: (props: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

function Field({ label, hint, error, children }: FieldProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : undefined, error ? `${id}-error` : undefined]
    .filter((part) => part !== undefined)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        describedBy: describedBy === '' ? undefined : describedBy,
        invalid: error !== undefined,
      })}
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

function ChoiceSelect({
  act,
  field,
  label,
  value,
  onChange,
  c,
}: {
  readonly act: AvailableAct;
  readonly field: string;
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly c: CaseMessages;
}) {
  const values = valuesOf(act, field);
  return (
    <Field label={label}>
      {({ id, describedBy }) => (
        <select
          id={id}
          required
          value={value}
          aria-describedby={describedBy}
          onChange={(event) => {
            onChange(event.target.value);
          }}
        >
          <option value="">{c.choose}</option>
          {values.map((v) => (
            <option key={String(v)} value={String(v)}>
              {typeof v === 'boolean' ? (v ? c.yes : c.no) : (c.choices[v] ?? v)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Builds the act's body from the form's values, or says which field is wrong (the API checks it again). */
function bodyOf(
  act: AvailableAct,
  values: Readonly<Record<string, string>>,
  c: CaseMessages,
): { body: Body } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const body: Body = {};
  const need = (field: string): string | undefined => {
    const value = values[field] ?? '';
    if (value === '') errors[field] = c.required;
    return value === '' ? undefined : value;
  };
  const days = (): number | undefined => {
    const max = act.maxDays ?? 365;
    const text = values['days'] ?? '';
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > max) {
      errors['days'] = c.invalidDays(max);
      return undefined;
    }
    return n;
  };
  const victim = (): void => {
    const actors = act.actors ?? [];
    if (!actors.includes('agency') || values['onBehalfOfVictim'] === 'true') body['onBehalfOfVictim'] = true;
  };
  switch (act.act) {
    case 'decideIdentification':
    case 'decidePermit':
    case 'recordAgeAssessment':
      body['outcome'] = need('outcome');
      break;
    case 'closeCase':
      body['reason'] = need('reason');
      break;
    case 'changeLegalStatus': {
      const kind = need('kind');
      const value = need('value');
      if (kind !== undefined && value !== undefined)
        body['change'] = { kind, [LEGAL_STATUS_FIELD[kind] ?? kind]: value === 'true' };
      break;
    }
    case 'requestExtension':
      body['ground'] = need('ground');
      body['days'] = days();
      victim();
      break;
    case 'decideExtension':
      body['outcome'] = need('outcome');
      if (body['outcome'] === 'granted') body['days'] = days();
      break;
    case 'decideAsylum':
      body['outcome'] = need('outcome');
      if (body['outcome'] === 'granted') {
        const code = values['municipalityCode'] ?? '';
        if (!/^\d{3}$/.test(code)) errors['municipalityCode'] = c.invalidMunicipality;
        body['municipalityCode'] = code;
      }
      break;
    case 'decideBestInterest':
      body['familyTracing'] = need('familyTracing') === 'true';
      body['durableSolution'] = need('durableSolution');
      break;
    case 'applyForPermit':
    case 'requestPermitRenewal':
      body['victimCooperatesWithPolice'] = values['victimCooperatesWithPolice'] === 'true';
      break;
    case 'applyForAsylum':
    case 'applyForWorkPermit':
      victim();
      break;
    case 'recordArrival':
      if ((values['arrivedAt'] ?? '') !== '')
        body['arrivedAt'] = new Date(values['arrivedAt'] ?? '').toISOString();
      break;
    default:
      break;
  }
  return Object.keys(errors).length > 0 ? { errors } : { body };
}

/** One act as a form: only its accepted choices, validated like the API, sent once however often it is clicked. */
function ActForm({
  role,
  caseRef,
  act,
  onRecorded,
}: {
  readonly role: Role;
  readonly caseRef: string;
  readonly act: AvailableAct;
  /** Told after the act was recorded (the page says so: the form may be gone once the case moved on). */
  readonly onRecorded: () => void;
}) {
  const { language } = useLanguage();
  const c = CASE_MESSAGES[language];
  const { client } = useSession();
  const queries = useQueryClient();
  const [values, setValues] = useState<Readonly<Record<string, string>>>({});
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  // One key per request: the same values sent again (a double click, a retry) have one effect; changed
  // values are another request and get another key.
  const key = useRef<string>(crypto.randomUUID());
  const set = (field: string) => (value: string) => {
    key.current = crypto.randomUUID();
    setValues({ ...values, [field]: value });
  };
  const send = useMutation({
    mutationFn: (body: Body) => postAct(client, role, caseRef, act.path, body, key.current),
    onSuccess: async () => {
      key.current = crypto.randomUUID();
      setValues({});
      onRecorded();
      await Promise.all([
        queries.invalidateQueries({ queryKey: ['case', role, caseRef] }),
        queries.invalidateQueries({ queryKey: ['available-acts', role, caseRef] }),
        queries.invalidateQueries({ queryKey: ['deadlines'] }),
      ]);
    },
  });
  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (send.isPending) return;
    const built = bodyOf(act, values, c);
    if ('errors' in built) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    send.mutate(built.body);
  };
  const title = c.acts[act.act];
  const refusal = send.error instanceof ApiError && send.error.status !== 401 ? send.error : undefined;
  const showDays =
    act.act === 'requestExtension' || (act.act === 'decideExtension' && values['outcome'] === 'granted');
  const actors = act.actors ?? [];
  return (
    <form className="act" onSubmit={submit} aria-label={title} noValidate>
      <h3>{title}</h3>
      {(act.act === 'decideIdentification' ||
        act.act === 'decidePermit' ||
        act.act === 'recordAgeAssessment' ||
        act.act === 'decideExtension' ||
        act.act === 'decideAsylum') && (
        <ChoiceSelect
          act={act}
          field="outcome"
          label={c.fieldOutcome}
          value={values['outcome'] ?? ''}
          onChange={set('outcome')}
          c={c}
        />
      )}
      {act.act === 'closeCase' && (
        <ChoiceSelect
          act={act}
          field="reason"
          label={c.fieldReason}
          value={values['reason'] ?? ''}
          onChange={set('reason')}
          c={c}
        />
      )}
      {act.act === 'requestExtension' && (
        <ChoiceSelect
          act={act}
          field="ground"
          label={c.fieldGround}
          value={values['ground'] ?? ''}
          onChange={set('ground')}
          c={c}
        />
      )}
      {act.act === 'changeLegalStatus' && (
        <>
          <ChoiceSelect
            act={act}
            field="kind"
            label={c.fieldKind}
            value={values['kind'] ?? ''}
            onChange={set('kind')}
            c={c}
          />
          <Field label={c.fieldNewValue} {...(errors['value'] ? { error: errors['value'] } : {})}>
            {({ id, describedBy, invalid }) => (
              <select
                id={id}
                required
                value={values['value'] ?? ''}
                aria-invalid={invalid}
                aria-describedby={describedBy}
                onChange={(event) => {
                  set('value')(event.target.value);
                }}
              >
                <option value="">{c.choose}</option>
                <option value="true">{c.yes}</option>
                <option value="false">{c.no}</option>
              </select>
            )}
          </Field>
        </>
      )}
      {act.act === 'decideBestInterest' && (
        <>
          <ChoiceSelect
            act={act}
            field="familyTracing"
            label={c.fieldFamilyTracing}
            value={values['familyTracing'] ?? ''}
            onChange={set('familyTracing')}
            c={c}
          />
          <ChoiceSelect
            act={act}
            field="durableSolution"
            label={c.fieldDurableSolution}
            value={values['durableSolution'] ?? ''}
            onChange={set('durableSolution')}
            c={c}
          />
        </>
      )}
      {showDays && (
        <Field
          label={c.fieldDays}
          hint={c.fieldDaysHint(act.maxDays ?? 120)}
          {...(errors['days'] ? { error: errors['days'] } : {})}
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="number"
              inputMode="numeric"
              min={1}
              max={act.maxDays ?? 120}
              required
              value={values['days'] ?? ''}
              aria-invalid={invalid}
              aria-describedby={describedBy}
              onChange={(event) => {
                set('days')(event.target.value);
              }}
            />
          )}
        </Field>
      )}
      {act.act === 'decideAsylum' && values['outcome'] === 'granted' && (
        <Field
          label={c.fieldMunicipality}
          hint={c.fieldMunicipalityHint}
          {...(errors['municipalityCode'] ? { error: errors['municipalityCode'] } : {})}
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              inputMode="numeric"
              pattern="\d{3}"
              required
              value={values['municipalityCode'] ?? ''}
              aria-invalid={invalid}
              aria-describedby={describedBy}
              onChange={(event) => {
                set('municipalityCode')(event.target.value);
              }}
            />
          )}
        </Field>
      )}
      {(act.act === 'applyForPermit' || act.act === 'requestPermitRenewal') && (
        <div className="field checkbox">
          <label>
            <input
              type="checkbox"
              checked={values['victimCooperatesWithPolice'] === 'true'}
              onChange={(event) => {
                set('victimCooperatesWithPolice')(String(event.target.checked));
              }}
            />{' '}
            {c.fieldCooperates}
          </label>
        </div>
      )}
      {actors.includes('victim') && actors.includes('agency') && (
        <div className="field checkbox">
          <label>
            <input
              type="checkbox"
              checked={values['onBehalfOfVictim'] === 'true'}
              onChange={(event) => {
                set('onBehalfOfVictim')(String(event.target.checked));
              }}
            />{' '}
            {c.fieldOnBehalf}
          </label>
        </div>
      )}
      {actors.includes('victim') && !actors.includes('agency') && <p className="hint">{c.fieldOnlyVictim}</p>}
      {act.act === 'recordArrival' && (
        <Field label={c.fieldArrivedAt}>
          {({ id, describedBy }) => (
            <input
              id={id}
              type="datetime-local"
              value={values['arrivedAt'] ?? ''}
              aria-describedby={describedBy}
              onChange={(event) => {
                set('arrivedAt')(event.target.value);
              }}
            />
          )}
        </Field>
      )}
      {Object.entries(errors)
        .filter(([field]) => !['days', 'municipalityCode', 'value'].includes(field))
        .map(([field, message]) => (
          <p key={field} className="field-error" role="alert">
            {message}
          </p>
        ))}
      <button type="submit" disabled={send.isPending}>
        {send.isPending ? c.submitting : c.submit}
      </button>
      <div aria-live="polite" className="status">
        {refusal && <RefusalNote error={refusal} />}
      </div>
    </form>
  );
}

/** A refusal in plain words: what the rules say in the reader's language, then the rule and the code. */
function RefusalNote({ error }: { readonly error: ApiError }) {
  const { language } = useLanguage();
  const c = CASE_MESSAGES[language];
  const words = error.code === undefined ? undefined : REFUSAL_WORDS[language][error.code];
  return (
    <div role="alert" className="refusal">
      <p>
        <strong>{c.refused}:</strong> {words ?? error.detail}
      </p>
      {words !== undefined && error.detail !== undefined && (
        <p className="muted" lang="en">
          {error.detail}
        </p>
      )}
      {error.code && <p className="muted">{c.refusedCode(error.code)}</p>}
    </div>
  );
}

/** The acts: a form for each the role may take now; the others with the domain's reason and rule. */
export function ActForms({ role, caseRef }: { readonly role: Role; readonly caseRef: string }) {
  const { language } = useLanguage();
  const c = CASE_MESSAGES[language];
  const acts = useAvailableActs(role, caseRef);
  const [recorded, setRecorded] = useState<ActName | undefined>(undefined);
  if (acts.data === undefined) return null;
  const now = acts.data.acts.filter((a) => a.available);
  const notNow = acts.data.acts.filter((a) => !a.available);
  return (
    <section className="panel acts" aria-labelledby="acts-title">
      <h2 id="acts-title">{c.actsTitle}</h2>
      <div aria-live="polite" className="status">
        {recorded !== undefined && <p className="ok">{c.recorded(c.acts[recorded])}</p>}
      </div>
      {now.length === 0 ? <p>{c.noActs}</p> : <p>{c.actsIntro}</p>}
      <div className="act-forms">
        {now.map((act) => (
          <ActForm
            key={act.act}
            role={role}
            caseRef={caseRef}
            act={act}
            onRecorded={() => {
              setRecorded(act.act);
            }}
          />
        ))}
      </div>
      {notNow.length > 0 && (
        <details className="not-now">
          <summary>{c.notNowTitle}</summary>
          <ul>
            {notNow.map((act) => (
              <li key={act.act}>
                <strong>{c.acts[act.act]}</strong>:{' '}
                {act.done
                  ? c.doneAlready
                  : act.refusal && (
                      <>
                        {REFUSAL_WORDS[language][act.refusal.code] ?? act.refusal.reason}
                        {act.refusal.rule && <> ({c.refusedRule(act.refusal.rule)})</>}{' '}
                        <span className="muted" lang="en">
                          {act.refusal.reason}
                        </span>
                      </>
                    )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
