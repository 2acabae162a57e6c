import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import { ApiError, apiError } from '../api/client.js';
import type { components } from '../api/openapi.js';
import { useLanguage } from '../i18n/language.js';
import { labelOf, type Role } from '../i18n/messages.js';
import { usePagesText } from '../i18n/pages.messages.js';
import { useSession } from '../session/session.js';

type CaseView = components['schemas']['CaseView'];
export type CaseAccess = NonNullable<CaseView['access']>;
type Grant = CaseAccess[number];
/** The roles a grant may name: those whose scope is `granted` (national roles see every case). */
export type GrantableRole = components['schemas']['GrantAccessRequest']['role'];

/** The roles that grant and withdraw access (only CMM and DIS have the routes). */
export const GRANTING_ROLES = ['cmm', 'dis'] as const satisfies readonly Role[];
type GrantingRole = (typeof GRANTING_ROLES)[number];

export function mayGrant(role: Role): role is GrantingRole {
  return (GRANTING_ROLES as readonly Role[]).includes(role);
}

/** Every grantable role with the organisation it usually names (the README's examples); any code may be typed. */
const USUAL_PARTY: Readonly<Record<GrantableRole, string>> = {
  police: 'nec',
  prosecution: 'prosecution',
  court: 'court',
  iom: 'iom-dk',
  drc: 'drc',
  'return-agency': 'return-agency',
  ngo: 'ngo',
  shelter: 'shelter',
  municipality: 'municipality',
  'red-cross': 'red-cross',
  guardian: '',
};
const GRANTABLE = Object.keys(USUAL_PARTY) as GrantableRole[];

/** The party's form, as the gateway checks it: an organisation code, or for a guardian an opaque subject id. */
const PARTY_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SUBJECT_PATTERN = /^[A-Za-z0-9._:|-]{1,255}$/;
const isSubjectScoped = (role: GrantableRole): boolean => role === 'guardian';

export interface AccessGrantsProps {
  readonly role: Role;
  readonly caseRef: string;
  /** The case as `GET /<role>/cases/{caseRef}` answered it (its `access`), or that `access` array itself. */
  readonly view: Pick<CaseView, 'access'> | CaseView['access'];
}

type Status =
  | { readonly kind: 'done'; readonly text: string }
  | { readonly kind: 'refused'; readonly text: string; readonly detail: string | undefined };

/**
 * Who may see and act on a case besides the national bodies (the case's grants), and for CMM and DIS a form
 * to give a role's organisation access and a button per grant to withdraw it (with a confirmation). After a
 * change the case's query (`['case', role, caseRef]`) is fetched anew.
 */
export function AccessGrants({ role, caseRef, view }: AccessGrantsProps) {
  const { t, formatDay } = useLanguage();
  const p = usePagesText().access;
  const { client } = useSession();
  const queries = useQueryClient();
  const id = useId();
  const access: CaseAccess = (Array.isArray(view) ? view : view?.access) ?? [];
  const [status, setStatus] = useState<Status | undefined>(undefined);
  const [confirming, setConfirming] = useState<Grant | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const statusRef = useRef<HTMLDivElement>(null);

  const changed = async (answer: CaseView): Promise<void> => {
    queries.setQueryData(['case', role, caseRef], answer);
    await queries.invalidateQueries({ queryKey: ['case', role, caseRef] });
  };
  const refused = (error: unknown): Status => ({
    kind: 'refused',
    text: p.refused,
    detail: error instanceof ApiError ? (error.detail ?? error.message) : String(error),
  });

  const revoke = async (grant: Grant): Promise<void> => {
    if (!mayGrant(role)) return;
    setBusy(true);
    const who = labelOf(t.roles, grant.role);
    try {
      const { data, error, response } = await client.DELETE(
        `/${role}/cases/{caseRef}/access-grants/{grantRole}/{party}` as const,
        { params: { path: { caseRef, grantRole: grant.role, party: grant.party } } },
      );
      if (data === undefined) throw apiError(response, error);
      setStatus({ kind: 'done', text: p.revoked(who, grant.party) });
      setConfirming(undefined);
      await changed(data);
    } catch (error) {
      setStatus(refused(error));
      setConfirming(undefined);
    } finally {
      setBusy(false);
      statusRef.current?.focus();
    }
  };

  return (
    <section className="panel access-grants" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{p.title}</h2>
      <p>{p.intro}</p>
      {access.length === 0 ? (
        <p className="empty">{p.none}</p>
      ) : (
        <table className="deadlines grants">
          <caption className="visually-hidden">{p.title}</caption>
          <thead>
            <tr>
              <th scope="col">{p.columnRole}</th>
              <th scope="col">{p.columnParty}</th>
              <th scope="col">{p.columnBy}</th>
              <th scope="col">{p.columnAt}</th>
              {mayGrant(role) && <th scope="col">{p.columnActions}</th>}
            </tr>
          </thead>
          <tbody>
            {access.map((grant) => {
              const who = labelOf(t.roles, grant.role);
              const asking = confirming?.role === grant.role && confirming.party === grant.party;
              return (
                <tr key={`${grant.role}/${grant.party}`}>
                  <th scope="row">{who}</th>
                  <td>
                    <code>{grant.party}</code>
                  </td>
                  <td>{labelOf(t.roles, grant.by)}</td>
                  <td>
                    <time dateTime={grant.at}>{formatDay(grant.at)}</time>
                  </td>
                  {mayGrant(role) && (
                    <td>
                      {asking ? (
                        <ConfirmRevoke
                          question={p.confirmRevoke(who, grant.party)}
                          busy={busy}
                          onConfirm={() => {
                            void revoke(grant);
                          }}
                          onCancel={() => {
                            setConfirming(undefined);
                          }}
                        />
                      ) : (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={p.revokeLabel(who, grant.party)}
                          disabled={busy}
                          onClick={() => {
                            setConfirming(grant);
                          }}
                        >
                          {p.revoke}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div ref={statusRef} tabIndex={-1} aria-live="polite" className="status">
        {status?.kind === 'done' && <p className="notice">{status.text}</p>}
        {status?.kind === 'refused' && (
          <p className="error">
            {status.text}
            {status.detail !== undefined && (
              <>
                : <span lang="en">{status.detail}</span>
              </>
            )}
          </p>
        )}
      </div>
      {mayGrant(role) && (
        <GrantForm
          role={role}
          caseRef={caseRef}
          onDone={async (answer, grant) => {
            setStatus({ kind: 'done', text: p.granted(labelOf(t.roles, grant.role), grant.party) });
            await changed(answer);
          }}
          onRefused={(error) => {
            setStatus(refused(error));
          }}
        />
      )}
    </section>
  );
}

function ConfirmRevoke({
  question,
  busy,
  onConfirm,
  onCancel,
}: {
  readonly question: string;
  readonly busy: boolean;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}) {
  const p = usePagesText().access;
  const id = useId();
  const confirm = useRef<HTMLButtonElement>(null);
  // The question takes the focus's place: Enter confirms, Escape or the other button cancels.
  useEffect(() => {
    confirm.current?.focus();
  }, []);
  return (
    <div
      role="group"
      aria-labelledby={`${id}-question`}
      className="confirm"
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <p id={`${id}-question`}>{question}</p>
      <button type="button" className="danger" ref={confirm} disabled={busy} onClick={onConfirm}>
        {p.confirm}
      </button>{' '}
      <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
        {p.cancel}
      </button>
    </div>
  );
}

function GrantForm({
  role,
  caseRef,
  onDone,
  onRefused,
}: {
  readonly role: GrantingRole;
  readonly caseRef: string;
  readonly onDone: (answer: CaseView, grant: { role: GrantableRole; party: string }) => Promise<void>;
  readonly onRefused: (error: unknown) => void;
}) {
  const { t } = useLanguage();
  const p = usePagesText().access;
  const { client } = useSession();
  const id = useId();
  const [grantRole, setGrantRole] = useState<GrantableRole>('police');
  const [party, setParty] = useState(USUAL_PARTY.police);
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const partyInput = useRef<HTMLInputElement>(null);
  const subject = isSubjectScoped(grantRole);

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const value = party.trim();
    if (!(subject ? SUBJECT_PATTERN : PARTY_PATTERN).test(value)) {
      setInvalid(subject ? p.subjectInvalid : p.partyInvalid);
      partyInput.current?.focus();
      return;
    }
    setInvalid(undefined);
    setBusy(true);
    const grant = { role: grantRole, party: value };
    void (async () => {
      try {
        const { data, error, response } = await client.POST(
          `/${role}/cases/{caseRef}/access-grants` as const,
          { params: { path: { caseRef } }, body: grant },
        );
        if (data === undefined) throw apiError(response, error);
        await onDone(data, grant);
      } catch (error) {
        // A refusal that names the party goes next to it; any other above the form.
        const pointed = error instanceof ApiError && error.status === 400 ? error.detail : undefined;
        if (pointed !== undefined) setInvalid(pointed);
        else onRefused(error);
      } finally {
        setBusy(false);
      }
    })();
  };

  return (
    <form className="grant filters" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="form-title">
        {p.grantTitle}
      </h3>
      <div className="field">
        <label htmlFor={`${id}-role`}>{p.grantRole}</label>
        <select
          id={`${id}-role`}
          value={grantRole}
          onChange={(event) => {
            const chosen = GRANTABLE.find((r) => r === event.target.value) ?? 'police';
            setGrantRole(chosen);
            setParty(USUAL_PARTY[chosen]);
            setInvalid(undefined);
          }}
        >
          {GRANTABLE.map((r) => (
            <option key={r} value={r}>
              {t.roles[r]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-party`}>{p.grantParty}</label>
        <input
          id={`${id}-party`}
          ref={partyInput}
          value={party}
          required
          autoComplete="off"
          spellCheck={false}
          aria-invalid={invalid !== undefined}
          aria-describedby={`${id}-party-hint${invalid === undefined ? '' : ` ${id}-party-error`}`}
          onChange={(event) => {
            setParty(event.target.value);
          }}
        />
        <p id={`${id}-party-hint`} className="hint">
          {subject ? p.grantSubjectHint : p.grantPartyHint}
        </p>
        {invalid !== undefined && (
          <p id={`${id}-party-error`} className="field-error" role="alert">
            {invalid}
          </p>
        )}
      </div>
      <button type="submit" disabled={busy}>
        {busy ? p.granting : p.grant}
      </button>
    </form>
  );
}
