import { useEffect, useRef } from 'react';
import { Link, Route, Switch } from 'wouter';
import { useLanguage } from './i18n/language.js';
import type { Role } from './i18n/messages.js';
import { usePagesText } from './i18n/pages.messages.js';
import { AccessPage } from './pages/access-page.js';
import { CasePage } from './pages/case-page.js';
import { CaseloadPage } from './pages/caseload-page.js';
import { DeadlinesBoard } from './pages/deadlines-board.js';
import { DirectoryPage } from './pages/directory-page.js';
import { IntakeNotForRole, IntakePage, mayOpenCases } from './pages/intake-page.js';
import { SignInForm, SignInPage } from './pages/sign-in-form.js';
import { useSession } from './session/session.js';

function Header() {
  const { t, language, setLanguage } = useLanguage();
  const { session, signOut } = useSession();
  return (
    <header className="top">
      <div className="brand">
        <span className="title">{t.appTitle}</span> <span className="subtitle">{t.appSubtitle}</span>
      </div>
      <div className="actions">
        {session !== undefined && (
          <span className="who">{t.signedInAs(t.roles[session.role], session.org)}</span>
        )}
        <button
          type="button"
          lang={t.switchLanguageLang}
          onClick={() => {
            setLanguage(language === 'da' ? 'en' : 'da');
          }}
        >
          {t.switchLanguage}
        </button>
        {session !== undefined && (
          <button type="button" onClick={signOut}>
            {t.signOut}
          </button>
        )}
      </div>
    </header>
  );
}

/** Over the kept page when the API refused the token: say so, and sign in again in place. */
function SessionEnded() {
  const { t } = useLanguage();
  const { session } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section
      className="panel session-ended"
      role="alertdialog"
      aria-labelledby="session-ended-title"
      aria-describedby="session-ended-text"
    >
      <h2 id="session-ended-title" tabIndex={-1} ref={heading}>
        {t.signInAgain}
      </h2>
      <p id="session-ended-text" role="alert">
        {t.sessionEnded}
      </p>
      <SignInForm {...(session === undefined ? {} : { initial: { role: session.role, org: session.org } })} />
    </section>
  );
}

/** The console's pages, one address each (deep links load: the gateway answers any page path with the console). */
function Pages({ role }: { readonly role: Role }) {
  const { t } = useLanguage();
  const nav = usePagesText().nav;
  const current = (active: boolean): string => (active ? 'active' : '');
  return (
    <>
      <nav className="pages" aria-label={t.navigation}>
        <Link href="/" className={current}>
          {t.boardTitle}
        </Link>
        <Link href="/cases" className={current}>
          {nav.cases}
        </Link>
        {mayOpenCases(role) && (
          <Link href="/intake" className={current}>
            {nav.intake}
          </Link>
        )}
        <Link href="/directory" className={current}>
          {nav.directory}
        </Link>
      </nav>
      <Switch>
        <Route path="/cases">
          <CaseloadPage role={role} />
        </Route>
        <Route path="/intake">
          {mayOpenCases(role) ? <IntakePage role={role} /> : <IntakeNotForRole role={role} />}
        </Route>
        <Route path="/directory">
          <DirectoryPage />
        </Route>
        <Route path="/cases/:caseRef/access">
          {(params) => <AccessPage role={role} caseRef={decodeURIComponent(params.caseRef)} />}
        </Route>
        <Route path="/cases/:caseRef">
          {(params) => <CasePage role={role} caseRef={decodeURIComponent(params.caseRef)} />}
        </Route>
        <Route>
          <DeadlinesBoard role={role} />
        </Route>
      </Switch>
    </>
  );
}

export function App() {
  const { t } = useLanguage();
  const { session, ended } = useSession();
  return (
    <>
      <a className="skip" href="#main">
        {t.skipToContent}
      </a>
      <Header />
      {ended && <SessionEnded />}
      <main id="main" tabIndex={-1} {...(ended ? { 'aria-hidden': true, inert: true } : {})}>
        {session === undefined ? <SignInPage /> : <Pages role={session.role} />}
      </main>
    </>
  );
}
