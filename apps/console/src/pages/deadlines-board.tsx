import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import { Link } from 'wouter';
import { ApiError, apiError, nextCursor } from '../api/client.js';
import type { components } from '../api/openapi.js';
import { useLanguage } from '../i18n/language.js';
import { labelOf, type DeadlineKind, type Role, type Stage } from '../i18n/messages.js';
import { useSession } from '../session/session.js';
import { useCaseloadCounts } from './caseload-page.js';
import { Paging, useCursors } from './paging.js';
import { PersonName } from './person-name.js';
import { CalendarFeeds } from './calendar-feed.js';

type DeadlineEntry = components['schemas']['DeadlineEntry'];

export interface BoardFilters {
  readonly stage?: Stage;
  readonly kind?: DeadlineKind;
  readonly days: number;
  readonly overdue: boolean;
  readonly limit: PageSize;
}

const PAGE_SIZES = [10, 25, 50, 100] as const;
type PageSize = (typeof PAGE_SIZES)[number];

// Two months ahead: a 30-day reflection period opened today is on the board from its first day.
const DEFAULT_FILTERS: BoardFilters = { days: 60, overdue: false, limit: 25 };

/** The deadlines of the caller's agency, a page at a time (the `Link: rel="next"` cursor). */
function useDeadlines(role: Role, filters: BoardFilters, cursor: string | undefined) {
  const { client } = useSession();
  return useQuery({
    queryKey: ['deadlines', role, filters, cursor],
    placeholderData: keepPreviousData,
    queryFn: async () => {
      // Every role's gateway has `/deadlines`: a role without it would not compile here.
      const path = `/${role}/deadlines` as const;
      const { data, error, response } = await client.GET(path, {
        params: {
          query: {
            days: filters.days,
            limit: filters.limit,
            ...(filters.stage === undefined ? {} : { stage: [filters.stage] }),
            ...(filters.kind === undefined ? {} : { kind: [filters.kind] }),
            ...(filters.overdue ? { overdue: 'true' } : {}),
            ...(cursor === undefined ? {} : { cursor }),
          },
        },
      });
      if (data === undefined) throw apiError(response, error);
      return { entries: data, next: nextCursor(response.headers.get('link')) };
    },
  });
}

function Filters({
  value,
  onApply,
}: {
  readonly value: BoardFilters;
  readonly onApply: (filters: BoardFilters) => void;
}) {
  const { t } = useLanguage();
  const id = useId();
  const [draft, setDraft] = useState(value);
  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    onApply(draft);
  };
  const stages = Object.keys(t.stages) as Stage[];
  const kinds = Object.keys(t.kinds) as DeadlineKind[];
  return (
    <form className="filters" onSubmit={submit} aria-label={t.filters}>
      <div className="field">
        <label htmlFor={`${id}-stage`}>{t.filterStage}</label>
        <select
          id={`${id}-stage`}
          value={draft.stage ?? ''}
          onChange={(event) => {
            const stage = stages.find((s) => s === event.target.value);
            setDraft({ ...draft, stage });
          }}
        >
          <option value="">{t.allStages}</option>
          {stages.map((stage) => (
            <option key={stage} value={stage}>
              {t.stages[stage]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-kind`}>{t.filterKind}</label>
        <select
          id={`${id}-kind`}
          value={draft.kind ?? ''}
          onChange={(event) => {
            const kind = kinds.find((k) => k === event.target.value);
            setDraft({ ...draft, kind });
          }}
        >
          <option value="">{t.allKinds}</option>
          {kinds.map((kind) => (
            <option key={kind} value={kind}>
              {t.kinds[kind]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-days`}>{t.filterHorizon}</label>
        <input
          id={`${id}-days`}
          type="number"
          min={1}
          max={3660}
          required
          value={draft.days}
          onChange={(event) => {
            const days = Number(event.target.value);
            if (Number.isInteger(days) && days >= 1 && days <= 3660) setDraft({ ...draft, days });
          }}
        />
      </div>
      <div className="field checkbox">
        <input
          id={`${id}-overdue`}
          type="checkbox"
          checked={draft.overdue}
          onChange={(event) => {
            setDraft({ ...draft, overdue: event.target.checked });
          }}
        />
        <label htmlFor={`${id}-overdue`}>{t.filterOverdue}</label>
      </div>
      <div className="field">
        <label htmlFor={`${id}-limit`}>{t.filterPageSize}</label>
        <select
          id={`${id}-limit`}
          value={draft.limit}
          onChange={(event) => {
            const limit = PAGE_SIZES.find((size) => String(size) === event.target.value);
            if (limit !== undefined) setDraft({ ...draft, limit });
          }}
        >
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">{t.apply}</button>
    </form>
  );
}

type Explanation = components['schemas']['DeadlineExplanation'];

/** Why the deadline falls when it does, in the reader's language, from the explanation's parts. */
export function Why({ explanation }: { readonly explanation: Explanation }) {
  const { t, formatDay } = useLanguage();
  const parts = [
    t.whyBase(
      t.duration(explanation.base.amount, explanation.base.unit),
      formatDay(explanation.startsAt),
      explanation.rule,
    ),
    ...explanation.extensions.map((extension) =>
      t.whyExtension(t.duration(extension.duration.amount, extension.duration.unit), extension.rule),
    ),
    ...(explanation.limit === undefined
      ? []
      : [
          t.whyLimit(
            explanation.limit.capDays,
            formatDay(explanation.limit.latestEndsAt),
            explanation.limit.rule,
          ),
        ]),
  ];
  return (
    <>
      <p className="why-text">{parts.join('; ')}.</p>
      <details>
        <summary>{t.ruleBasis}</summary>
        <p lang="en" className="muted">
          {explanation.summary}
        </p>
      </details>
    </>
  );
}

function DeadlineRow({
  role,
  entry,
  now,
}: {
  readonly role: Role;
  readonly entry: DeadlineEntry;
  readonly now: Date;
}) {
  const { t, formatDate, formatRelative } = useLanguage();
  const { deadline } = entry;
  const overdue = Date.parse(deadline.dueAt) < now.getTime();
  return (
    <tr className={overdue ? 'overdue' : undefined}>
      <th scope="row">
        <Link href={`/cases/${encodeURIComponent(entry.caseRef)}`}>
          <code>{entry.caseRef}</code>
        </Link>
        <PersonName role={role} caseRef={entry.caseRef} />
        <div className="muted">{labelOf(t.stages, entry.stage)}</div>
      </th>
      <td>
        {t.kinds[deadline.kind]}
        <div className="muted">{t.rule(deadline.rule)}</div>
      </td>
      <td>
        <time dateTime={deadline.dueAt}>{formatDate(deadline.dueAt)}</time>
        <div>
          {overdue && <span className="badge">{t.overdue}</span>} {formatRelative(deadline.dueAt, now)}
        </div>
      </td>
      <td className="why">
        <Why explanation={deadline.explanation} />
      </td>
    </tr>
  );
}

function CaseloadPanel({ role }: { readonly role: Role }) {
  const { t } = useLanguage();
  const caseload = useCaseloadCounts(role);
  if (caseload.data === undefined) return null;
  const stages = Object.entries(caseload.data.stages).filter(([, count]) => count > 0);
  return (
    <aside className="panel caseload" aria-labelledby="caseload-title">
      <h2 id="caseload-title">{t.caseloadTitle}</h2>
      <p>{t.caseloadTotal(caseload.data.total)}</p>
      <dl>
        {stages.map(([stage, count]) => (
          <div key={stage}>
            <dt>{labelOf(t.stages, stage)}</dt>
            <dd>{count}</dd>
          </div>
        ))}
      </dl>
    </aside>
  );
}

/** The landing page: what the caller's agency must act on, overdue first (the API answers soonest first). */
export function DeadlinesBoard({ role }: { readonly role: Role }) {
  const { t } = useLanguage();
  const [filters, setFilters] = useState(DEFAULT_FILTERS);
  const paging = useCursors();
  const { cursor } = paging;
  const deadlines = useDeadlines(role, filters, cursor);
  // What was last shown stays while a refused call waits for the user to sign in again (the page is kept).
  const [shown, setShown] = useState(deadlines.data);
  if (deadlines.data !== undefined && deadlines.data !== shown) setShown(deadlines.data);
  const sessionEnded = deadlines.error instanceof ApiError && deadlines.error.status === 401;
  const heading = useRef<HTMLHeadingElement>(null);
  // A new page: the focus goes to its heading, so that a screen reader announces it.
  useEffect(() => {
    heading.current?.focus();
  }, []);
  const now = new Date();
  const next = shown?.next;

  return (
    <div className="board">
      <section aria-labelledby="board-title" className="panel">
        <h1 id="board-title" tabIndex={-1} ref={heading}>
          {t.boardTitle}
        </h1>
        <p>{t.boardIntro(t.roles[role])}</p>
        <Filters
          value={filters}
          onApply={(applied) => {
            setFilters(applied);
            paging.first();
          }}
        />
        <div aria-live="polite" className="status">
          {deadlines.isPending && <p>{t.loading}</p>}
          {deadlines.isError && !sessionEnded && (
            <p role="alert" className="error">
              {t.loadFailed}
            </p>
          )}
        </div>
        {shown !== undefined &&
          (shown.entries.length === 0 ? (
            <p className="empty">{t.noDeadlines}</p>
          ) : (
            <table className="deadlines">
              <caption className="visually-hidden">{t.boardTitle}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.columnCase}</th>
                  <th scope="col">{t.columnWhat}</th>
                  <th scope="col">{t.columnWhen}</th>
                  <th scope="col">{t.columnWhy}</th>
                </tr>
              </thead>
              <tbody>
                {shown.entries.map((entry) => (
                  <DeadlineRow
                    key={`${entry.caseRef}/${entry.deadline.id}`}
                    role={role}
                    entry={entry}
                    now={now}
                  />
                ))}
              </tbody>
            </table>
          ))}
        <Paging paging={paging} next={next} />
      </section>
      <div className="side">
        <CaseloadPanel role={role} />
        <CalendarFeeds role={role} />
      </div>
    </div>
  );
}
