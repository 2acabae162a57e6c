import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link } from 'wouter';
import { ApiError, apiError } from '../api/client.js';
import { useLanguage } from '../i18n/language.js';
import { labelOf, type Role } from '../i18n/messages.js';
import { useSession } from '../session/session.js';

/** One case as the caller's role may see it (`GET /<role>/cases/{caseRef}`). */
export function useCaseView(role: Role, caseRef: string) {
  const { client } = useSession();
  return useQuery({
    queryKey: ['case', role, caseRef],
    queryFn: async () => {
      const { data, error, response } = await client.GET(`/${role}/cases/{caseRef}` as const, {
        params: { path: { caseRef } },
      });
      if (data === undefined) throw apiError(response, error);
      return data;
    },
  });
}

/** A case: its stage, its pathway as a picture, its deadlines, its timeline and the acts the role may take now. */
export function CasePage({ role, caseRef }: { readonly role: Role; readonly caseRef: string }) {
  const { t } = useLanguage();
  const view = useCaseView(role, caseRef);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [caseRef]);
  const notFound = view.error instanceof ApiError && view.error.status === 404;
  return (
    <section className="panel case" aria-labelledby="case-title">
      <p>
        <Link href="/">{t.backToBoard}</Link>
      </p>
      <h1 id="case-title" tabIndex={-1} ref={heading}>
        {t.caseTitle(caseRef)}
      </h1>
      <div aria-live="polite" className="status">
        {view.isPending && <p>{t.loading}</p>}
        {notFound && <p role="alert">{t.caseNotFound}</p>}
        {view.isError && !notFound && (
          <p role="alert" className="error">
            {t.loadFailed}
          </p>
        )}
      </div>
      {view.data !== undefined && <p className="stage">{labelOf(t.stages, view.data.stage)}</p>}
    </section>
  );
}
