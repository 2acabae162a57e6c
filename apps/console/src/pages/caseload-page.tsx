import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { ApiError, apiError, nextCursor } from '../api/client.js';
import type { components } from '../api/openapi.js';
import { useLanguage } from '../i18n/language.js';
import { labelOf, type Role, type Stage } from '../i18n/messages.js';
import { usePagesText } from '../i18n/pages.messages.js';
import { useSession } from '../session/session.js';
import { Paging, useCursors } from './paging.js';
import { mayGrant } from './access-grants.js';

type CaseloadEntry = components['schemas']['CaseloadEntry'];

const PAGE_SIZE = 25;

/** The caller's open cases, newest first, in one stage or all, a page at a time (`Link: rel="next"`). */
function useCases(role: Role, stage: Stage | undefined, cursor: string | undefined) {
  const { client } = useSession();
  return useQuery({
    queryKey: ['cases', role, stage ?? null, cursor ?? null],
    placeholderData: keepPreviousData,
    queryFn: async () => {
      const { data, error, response } = await client.GET(`/${role}/cases` as const, {
        params: {
          query: {
            limit: PAGE_SIZE,
            ...(stage === undefined ? {} : { stage }),
            ...(cursor === undefined ? {} : { cursor }),
          },
        },
      });
      if (data === undefined) throw apiError(response, error);
      return { entries: data, next: nextCursor(response.headers.get('link')) };
    },
  });
}

/** Open cases per stage (the same query the deadlines board's panel reads). */
export function useCaseloadCounts(role: Role) {
  const { client } = useSession();
  return useQuery({
    queryKey: ['caseload', role],
    queryFn: async () => {
      const { data, error, response } = await client.GET(`/${role}/caseload` as const);
      if (data === undefined) throw apiError(response, error);
      return data;
    },
  });
}

function StageCounts({
  role,
  stage,
  onChoose,
}: {
  readonly role: Role;
  readonly stage: Stage | undefined;
  readonly onChoose: (stage: Stage | undefined) => void;
}) {
  const { t } = useLanguage();
  const p = usePagesText().caseload;
  const counts = useCaseloadCounts(role);
  const stages = Object.keys(t.stages) as Stage[];
  const countOf = (s: Stage): number => counts.data?.stages[s] ?? 0;
  // The stages with open cases, and the one chosen even when it has none (so it can be unchosen).
  const shown = stages.filter((s) => countOf(s) > 0 || s === stage);
  return (
    <section className="panel stage-counts" aria-labelledby="stage-counts-title">
      <h2 id="stage-counts-title">{p.countsTitle}</h2>
      <p className="hint" id="stage-counts-hint">
        {p.countsHint}
      </p>
      <ul className="stage-list" aria-describedby="stage-counts-hint">
        <li>
          <button
            type="button"
            className="stage-button"
            aria-pressed={stage === undefined}
            onClick={() => {
              onChoose(undefined);
            }}
          >
            <span>{p.all}</span> <span className="count">{counts.data?.total ?? '–'}</span>
          </button>
        </li>
        {shown.map((s) => (
          <li key={s}>
            <button
              type="button"
              className="stage-button"
              aria-pressed={stage === s}
              data-stage={s}
              onClick={() => {
                onChoose(s);
              }}
            >
              <span>{t.stages[s]}</span> <span className="count">{countOf(s)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function CaseRow({
  role,
  entry,
  now,
}: {
  readonly role: Role;
  readonly entry: CaseloadEntry;
  readonly now: Date;
}) {
  const { t, formatDay, formatDate, formatRelative } = useLanguage();
  const text = usePagesText();
  const p = text.caseload;
  const ref = encodeURIComponent(entry.caseRef);
  const overdue = entry.nextDeadline !== undefined && Date.parse(entry.nextDeadline) < now.getTime();
  return (
    <tr className={overdue ? 'overdue' : undefined}>
      <th scope="row">
        <Link href={`/cases/${ref}`}>
          <code>{entry.caseRef}</code>
        </Link>
        {mayGrant(role) && (
          <div>
            <Link href={`/cases/${ref}/access`} aria-label={text.access.pageTitle(entry.caseRef)}>
              {text.access.manage}
            </Link>
          </div>
        )}
      </th>
      <td>{entry.stage === undefined ? '–' : labelOf(t.stages, entry.stage)}</td>
      <td>
        {entry.openedAt === undefined ? (
          '–'
        ) : (
          <time dateTime={entry.openedAt}>{formatDay(entry.openedAt)}</time>
        )}
      </td>
      <td>
        {entry.nextDeadline === undefined ? (
          <span className="muted">{p.noNext}</span>
        ) : (
          <>
            <time dateTime={entry.nextDeadline}>{formatDate(entry.nextDeadline)}</time>
            <div>
              {overdue && <span className="badge">{t.overdue}</span>}{' '}
              {formatRelative(entry.nextDeadline, now)}
            </div>
          </>
        )}
      </td>
      <td>{entry.responsibleAgency === undefined ? '–' : labelOf(t.roles, entry.responsibleAgency)}</td>
    </tr>
  );
}

/** `/cases`: the caller's caseload, by stage with counts (choosing a stage filters the list). */
export function CaseloadPage({ role }: { readonly role: Role }) {
  const { t } = useLanguage();
  const p = usePagesText().caseload;
  const [stage, setStage] = useState<Stage | undefined>(undefined);
  const paging = useCursors();
  const { cursor } = paging;
  const cases = useCases(role, stage, cursor);
  const [shown, setShown] = useState(cases.data);
  if (cases.data !== undefined && cases.data !== shown) setShown(cases.data);
  const sessionEnded = cases.error instanceof ApiError && cases.error.status === 401;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  const now = new Date();
  const next = shown?.next;
  const stageLabel = stage === undefined ? undefined : t.stages[stage];

  return (
    <div className="board">
      <section aria-labelledby="cases-title" className="panel">
        <h1 id="cases-title" tabIndex={-1} ref={heading}>
          {p.title}
        </h1>
        <p>{p.intro(t.roles[role])}</p>
        <div aria-live="polite" className="status">
          <p className="muted">{p.showing(stageLabel)}</p>
          {cases.isPending && <p>{t.loading}</p>}
          {cases.isError && !sessionEnded && (
            <p role="alert" className="error">
              {t.loadFailed}
            </p>
          )}
        </div>
        {shown !== undefined &&
          (shown.entries.length === 0 ? (
            <p className="empty">{stageLabel === undefined ? p.none : p.noneInStage(stageLabel)}</p>
          ) : (
            <table className="deadlines cases" aria-busy={cases.isPlaceholderData}>
              <caption className="visually-hidden">{p.caption(stageLabel)}</caption>
              <thead>
                <tr>
                  <th scope="col">{p.columnCase}</th>
                  <th scope="col">{p.columnStage}</th>
                  <th scope="col">{p.columnOpened}</th>
                  <th scope="col">{p.columnNext}</th>
                  <th scope="col">{p.columnResponsible}</th>
                </tr>
              </thead>
              <tbody>
                {shown.entries.map((entry) => (
                  <CaseRow key={entry.caseRef} role={role} entry={entry} now={now} />
                ))}
              </tbody>
            </table>
          ))}
        <Paging paging={paging} next={next} />
      </section>
      <StageCounts
        role={role}
        stage={stage}
        onChoose={(chosen) => {
          setStage(chosen);
          paging.first();
        }}
      />
    </div>
  );
}
