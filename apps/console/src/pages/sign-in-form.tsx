import { useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import { ApiError } from '../api/client.js';
import { useLanguage } from '../i18n/language.js';
import type { Role } from '../i18n/messages.js';
import { useSession } from '../session/session.js';

/** The organisation a role usually signs in for (the examples of the README); any code may be typed. */
const USUAL_ORG: Readonly<Record<Role, string>> = {
  cmm: 'cmm',
  dis: 'dis',
  siri: 'siri',
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
  guardian: 'guardian',
  auditor: 'auditor',
};

/** Every role, in the order the sign-in offers them (the record above is complete by its type). */
const ROLES = Object.keys(USUAL_ORG) as Role[];

/** The issuer as the button names it: its host (and a path naming a realm or tenant). */
export function issuerName(issuer: string): string {
  const url = new URL(issuer);
  return `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

/**
 * How this gateway signs in: the local form in the embedded default, one button to the OpenID Connect issuer
 * when one is configured (ADR 0021), or a sentence when neither is.
 */
export function SignInForm({ initial }: { readonly initial?: { role: Role; org: string } }) {
  const { t } = useLanguage();
  const { method, failure } = useSession();
  if (method === undefined) {
    return failure === undefined ? (
      <p role="status">{t.loadingSignIn}</p>
    ) : (
      <p role="alert" className="error">
        {t.signInFailed}: {failure}
      </p>
    );
  }
  switch (method.mode) {
    case 'local':
      return <LocalSignInForm {...(initial === undefined ? {} : { initial })} />;
    case 'oidc':
      return <IssuerSignIn issuer={method.issuer} />;
    case 'none':
      return <p>{t.noSignIn}</p>;
  }
}

/** One button: to the issuer (the whole page), or in a popup when the session ended over a kept page. */
function IssuerSignIn({ issuer }: { readonly issuer: string }) {
  const { t } = useLanguage();
  const { signInWithIssuer, session, failure } = useSession();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const inPopup = session !== undefined;
  const start = (): void => {
    setBusy(true);
    setProblem(undefined);
    signInWithIssuer().then(
      () => {
        // A popup leaves this page as it is: the button may be used again if the popup is closed.
        if (inPopup) setBusy(false);
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(
          error instanceof Error && error.message === 'popup-blocked' ? t.popupBlocked : String(error),
        );
      },
    );
  };
  const shown = problem ?? failure;
  return (
    <div className="sign-in">
      {inPopup && <p id={`${id}-popup`}>{t.signInAgainInPopup}</p>}
      {shown !== undefined && (
        <p role="alert" className="error">
          {t.signInFailed}: {shown}
        </p>
      )}
      <button
        type="button"
        onClick={start}
        disabled={busy && !inPopup}
        {...(inPopup ? { 'aria-describedby': `${id}-popup` } : {})}
      >
        {busy && !inPopup ? t.signingIn : t.signInWith(issuerName(issuer))}
      </button>
    </div>
  );
}

/** Choose a role and an organisation; the gateway mints a 30-minute token with its local key. */
function LocalSignInForm({ initial }: { readonly initial?: { role: Role; org: string } }) {
  const { t } = useLanguage();
  const { signIn } = useSession();
  const id = useId();
  const [role, setRole] = useState<Role>(initial?.role ?? 'cmm');
  const [org, setOrg] = useState(initial?.org ?? USUAL_ORG[initial?.role ?? 'cmm']);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    signIn(role, org.trim()).then(
      () => {
        setBusy(false);
      },
      (error: unknown) => {
        setBusy(false);
        setFailure(error instanceof ApiError ? (error.detail ?? error.message) : String(error));
      },
    );
  };

  return (
    <form className="sign-in" onSubmit={submit} aria-busy={busy}>
      <div className="field">
        <label htmlFor={`${id}-role`}>{t.roleLabel}</label>
        <select
          id={`${id}-role`}
          value={role}
          onChange={(event) => {
            const chosen = ROLES.find((r) => r === event.target.value) ?? 'cmm';
            setRole(chosen);
            setOrg(USUAL_ORG[chosen]);
          }}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t.roles[r]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-org`}>{t.orgLabel}</label>
        <input
          id={`${id}-org`}
          value={org}
          required
          pattern="[a-z0-9][a-z0-9\-]{0,62}"
          autoComplete="organization"
          aria-describedby={`${id}-org-hint`}
          onChange={(event) => {
            setOrg(event.target.value);
          }}
        />
        <p id={`${id}-org-hint`} className="hint">
          {t.orgHint}
        </p>
      </div>
      {failure !== undefined && (
        <p role="alert" className="error">
          {t.signInFailed}: {failure}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? t.signingIn : t.signIn}
      </button>
    </form>
  );
}

export function SignInPage() {
  const { t } = useLanguage();
  const { signedOut, method, issuerLogout } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (signedOut) heading.current?.focus();
  }, [signedOut]);
  return (
    <section aria-labelledby="sign-in-title" className="panel narrow">
      <h1 id="sign-in-title" tabIndex={-1} ref={heading}>
        {t.signInTitle}
      </h1>
      {signedOut && (
        <p role="status" className="notice">
          {t.signedOut}
        </p>
      )}
      {signedOut && issuerLogout !== undefined && method?.mode === 'oidc' && (
        <p>
          {t.signedOutAtIssuerHint}{' '}
          <a href={issuerLogout.href}>{t.signOutAtIssuer(issuerName(method.issuer))}</a>
        </p>
      )}
      {method?.mode === 'local' && <p>{t.signInIntro}</p>}
      {method?.mode === 'oidc' && <p>{t.oidcSignInIntro}</p>}
      <SignInForm />
    </section>
  );
}
