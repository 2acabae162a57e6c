import { useEffect, useRef } from 'react';
import { Link } from 'wouter';
import type { Role } from '../i18n/messages.js';
import { usePagesText } from '../i18n/pages.messages.js';
import { AccessGrants } from './access-grants.js';
import { CaseLoadStatus, useCaseView } from './case-page.js';

/** `/cases/<ref>/access`: a case's grants on a page of their own (the case page embeds the same panel). */
export function AccessPage({ role, caseRef }: { readonly role: Role; readonly caseRef: string }) {
  const p = usePagesText().access;
  const view = useCaseView(role, caseRef);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [caseRef]);
  return (
    <div className="access-page">
      <p>
        <Link href={`/cases/${encodeURIComponent(caseRef)}`}>{p.backToCase(caseRef)}</Link>
      </p>
      <h1 id="access-title" tabIndex={-1} ref={heading}>
        {p.pageTitle(caseRef)}
      </h1>
      <CaseLoadStatus view={view} />
      {view.data !== undefined && <AccessGrants role={role} caseRef={caseRef} view={view.data} />}
    </div>
  );
}
