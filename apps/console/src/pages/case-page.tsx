import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link } from 'wouter';
import { ApiError, apiError } from '../api/client.js';
import type { components } from '../api/openapi.js';
import { CASE_MESSAGES } from '../i18n/case.messages.js';
import { useLanguage } from '../i18n/language.js';
import { labelOf, type Role } from '../i18n/messages.js';
import { useSession } from '../session/session.js';
import { AccessGrants } from './access-grants.js';
import { ActForms } from './act-forms.js';
import { CasePicture } from './case-picture.js';
import { Why } from './deadlines-board.js';
import { nameOf, usePerson } from './person-name.js';

type CaseView = components['schemas']['CaseView'];
type PersonView = components['schemas']['PersonView'];

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

/**
 * Where a case's answer stands, for a live region: loading, not found (or out of scope), or failed; nothing
 * when the session ended (the console says so over the page).
 */
export function CaseLoadStatus({ view }: { readonly view: ReturnType<typeof useCaseView> }) {
  const { t } = useLanguage();
  const notFound = view.error instanceof ApiError && view.error.status === 404;
  const sessionEnded = view.error instanceof ApiError && view.error.status === 401;
  return (
    <div aria-live="polite" className="status">
      {view.isPending && <p>{t.loading}</p>}
      {notFound && <p role="alert">{t.caseNotFound}</p>}
      {view.isError && !notFound && !sessionEnded && (
        <p role="alert" className="error">
          {t.loadFailed}
        </p>
      )}
    </div>
  );
}

function PersonPanel({ view, person }: { readonly view: CaseView; readonly person: PersonView | undefined }) {
  const { language, formatDay } = useLanguage();
  const c = CASE_MESSAGES[language];
  const summary = view.person;
  const sections = person?.sections;
  const rows: [string, string][] = [];
  if (sections?.identity) {
    rows.push([c.personFields.givenNames, sections.identity.givenNames]);
    if (sections.identity.familyName) rows.push([c.personFields.familyName, sections.identity.familyName]);
    if (sections.identity.aliases?.length)
      rows.push([c.personFields.aliases, sections.identity.aliases.join(', ')]);
  }
  if (sections?.birth) {
    rows.push([
      c.personFields.birth,
      sections.birth.kind === 'exact'
        ? formatDay(`${sections.birth.date}T12:00:00Z`)
        : `~${String(sections.birth.estimatedYear ?? '')} (${String(sections.birth.claimedAge)})`,
    ]);
  }
  if (sections?.nationality)
    rows.push([c.personFields.nationality, sections.nationality.nationalities.join(', ')]);
  if (sections?.language) {
    rows.push([c.personFields.language, sections.language.languages.join(', ')]);
    rows.push([c.personFields.interpreterNeeded, sections.language.interpreterNeeded ? c.yes : c.no]);
  }
  if (sections?.contact) rows.push([c.personFields.safePhone, sections.contact.safePhone]);
  if (sections?.accommodation) rows.push([c.personFields.accommodation, sections.accommodation.shelter]);
  return (
    <section className="panel person" aria-labelledby="person-title">
      <h2 id="person-title">{c.person}</h2>
      {summary === undefined || summary.state === 'none' ? (
        <p>{c.personNone}</p>
      ) : summary.state === 'erased' ? (
        <p>{c.personErased(summary.erasure ? formatDay(summary.erasure.at) : '')}</p>
      ) : rows.length === 0 ? (
        <p>{c.personHidden}</p>
      ) : (
        <dl className="facts">
          {rows.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

function DeadlinesPanel({ view }: { readonly view: CaseView }) {
  const { t, language, formatDate, formatRelative, formatDay } = useLanguage();
  const c = CASE_MESSAGES[language];
  const deadlines = view.deadlines;
  const steps = view.nextSteps ?? [];
  return (
    <section className="panel" aria-labelledby="deadlines-title">
      <h2 id="deadlines-title">{c.deadlinesTitle}</h2>
      {deadlines.length === 0 ? (
        <p>{c.noRunningDeadlines}</p>
      ) : (
        <ul className="case-deadlines">
          {deadlines.map((deadline) => {
            const step = steps.find((s) => s.deadlineId === deadline.id);
            return (
              <li key={deadline.id}>
                <h3>
                  {t.kinds[deadline.kind]} –{' '}
                  <time dateTime={deadline.dueAt}>{formatDate(deadline.dueAt)}</time> (
                  {formatRelative(deadline.dueAt)})
                </h3>
                <p>
                  {c.responsible}: {labelOf(t.roles, deadline.responsible)} · {t.rule(deadline.rule)}
                </p>
                <Why explanation={deadline.explanation} />
                {step && (
                  <>
                    {step.reminders.length > 0 && (
                      <p className="muted">
                        {c.reminder}: {step.reminders.map((r) => formatDay(r.at)).join(', ')}
                      </p>
                    )}
                    {step.escalation && (
                      <p className="muted">
                        {c.escalation}: {formatDay(step.escalation.at)}
                      </p>
                    )}
                    <p className="muted" lang="en">
                      {c.whatHappens}: {step.atDeadline}
                    </p>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function TimelinePanel({ view }: { readonly view: CaseView }) {
  const { t, language, formatDate } = useLanguage();
  const c = CASE_MESSAGES[language];
  const actor = (by: string | undefined): string =>
    by === undefined || by === 'system' ? c.bySystem : by === 'victim' ? c.byVictim : labelOf(t.roles, by);
  const timeline = [...view.timeline].reverse();
  return (
    <section className="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{c.timelineTitle}</h2>
      <table className="timeline">
        <caption className="visually-hidden">{c.timelineTitle}</caption>
        <thead>
          <tr>
            <th scope="col">{c.columnAt}</th>
            <th scope="col">{c.columnEvent}</th>
            <th scope="col">{c.columnBy}</th>
          </tr>
        </thead>
        <tbody>
          {timeline.map((entry) => (
            <tr key={entry.seq}>
              <td>
                <time dateTime={entry.at}>{formatDate(entry.at)}</time>
              </td>
              <td>{c.events[entry.type] ?? entry.type}</td>
              <td>
                {actor(entry.by)}
                {entry.via && <> ({c.viaAgency(labelOf(t.roles, entry.via))})</>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SupportPanel({ view }: { readonly view: CaseView }) {
  const { t, language } = useLanguage();
  const c = CASE_MESSAGES[language];
  const support = view.support ?? [];
  return (
    <section className="panel" aria-labelledby="support-title">
      <h2 id="support-title">{c.supportTitle}</h2>
      {support.length === 0 ? (
        <p>{c.noSupport}</p>
      ) : (
        <ul>
          {support.map((offer) => (
            <li key={offer.kind}>
              <strong>{c.support[offer.kind] ?? offer.kind}</strong> ({offer.rule}) –{' '}
              {c.supportProviders(offer.providers.map((p) => labelOf(t.roles, p.agency)).join(', '))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A case: the person, the stage, the pathway as a picture, its deadlines, the acts the role may take now, its events. */
export function CasePage({ role, caseRef }: { readonly role: Role; readonly caseRef: string }) {
  const { t, language, formatDate } = useLanguage();
  const c = CASE_MESSAGES[language];
  const view = useCaseView(role, caseRef);
  const person = usePerson(role, caseRef, view.data?.person?.state === 'held');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [caseRef]);
  const data = view.data;
  const name = nameOf(person.data);
  const openedAt = data?.state['openedAt'];
  return (
    <div className="case-page">
      <section className="panel case" aria-labelledby="case-title">
        <p>
          <Link href="/">{t.backToBoard}</Link>
        </p>
        <h1 id="case-title" tabIndex={-1} ref={heading}>
          {t.caseTitle(caseRef)}
          {name !== undefined && <span className="person-name"> – {name}</span>}
        </h1>
        <CaseLoadStatus view={view} />
        {data !== undefined && (
          <dl className="facts">
            <div>
              <dt>{c.stage}</dt>
              <dd className="stage">{labelOf(t.stages, data.stage)}</dd>
            </div>
            {typeof openedAt === 'string' && (
              <div>
                <dt>{c.openedAt}</dt>
                <dd>{formatDate(openedAt)}</dd>
              </div>
            )}
            {data.policyVersion !== undefined && (
              <div>
                <dt>{c.policy}</dt>
                <dd>{data.policyVersion}</dd>
              </div>
            )}
          </dl>
        )}
        {data !== undefined && data.stage !== 'not-started' && <CasePicture view={data} now={new Date()} />}
      </section>
      {data !== undefined && (
        <>
          <ActForms role={role} caseRef={caseRef} />
          <AccessGrants role={role} caseRef={caseRef} view={data} />
          <DeadlinesPanel view={data} />
          <PersonPanel view={data} person={person.data} />
          <SupportPanel view={data} />
          <TimelinePanel view={data} />
        </>
      )}
    </div>
  );
}
