import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useEffect, useId, useRef, useState } from 'react';
import { ApiError, apiError } from '../api/client.js';
import type { components } from '../api/openapi.js';
import { useLanguage } from '../i18n/language.js';
import { labelOf } from '../i18n/messages.js';
import { usePagesText } from '../i18n/pages.messages.js';
import { useSession } from '../session/session.js';

type Agency = components['schemas']['Directory']['agencies'][number];
type Organisation = Agency['organisations'][number];

function useDirectory() {
  const { client } = useSession();
  return useQuery({
    queryKey: ['directory'],
    queryFn: async () => {
      const { data, error, response } = await client.GET('/directory');
      if (data === undefined) throw apiError(response, error);
      return data;
    },
  });
}

/** A phone number as a `tel:` address (digits and the leading +). */
function tel(phone: string): string {
  return `tel:${phone.replace(/[^+\d]/g, '')}`;
}

/** Only web addresses are links (a directory entry is configuration, but a `javascript:` URL is never one). */
function webUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** Everything searchable in an agency, in lower case (its names in both languages and its contacts). */
function searchText(agency: Agency, names: readonly string[]): string {
  return [
    agency.id,
    agency.name,
    agency.role,
    ...names,
    ...agency.organisations.flatMap((o) => [o.name, o.phone, o.hotline, o.email, o.secureEmail, o.url]),
  ]
    .filter((part) => part !== undefined)
    .join(' ')
    .toLocaleLowerCase();
}

function Contact({
  organisation,
  agencyName,
}: {
  readonly organisation: Organisation;
  readonly agencyName: string;
}) {
  const { formatDate } = useLanguage();
  const p = usePagesText().directory;
  const url = organisation.url === undefined ? undefined : webUrl(organisation.url);
  return (
    <li className="organisation">
      {/* An agency that is its one organisation (CMM) is not named twice. */}
      {organisation.name !== agencyName && <h3 lang="en">{organisation.name}</h3>}
      {organisation.openNow !== undefined && (
        <p>
          <span className={organisation.openNow ? 'badge open' : 'badge closed'}>
            {organisation.openNow ? p.openNow : p.closedNow}
          </span>
          {!organisation.openNow && organisation.nextOpensAt !== undefined && (
            <> {p.opensAt(formatDate(organisation.nextOpensAt))}</>
          )}
        </p>
      )}
      <dl className="contact">
        {organisation.hotline !== undefined && (
          <div>
            <dt>{p.hotline}</dt>
            <dd>
              <a href={tel(organisation.hotline)}>{organisation.hotline}</a>
            </dd>
          </div>
        )}
        {organisation.phone !== undefined && (
          <div>
            <dt>{p.phone}</dt>
            <dd>
              <a href={tel(organisation.phone)}>{organisation.phone}</a>
            </dd>
          </div>
        )}
        {organisation.hours !== undefined && (
          <div>
            <dt>{p.hours}</dt>
            <dd lang="en">{organisation.hours}</dd>
          </div>
        )}
        {organisation.email !== undefined && (
          <div>
            <dt>{p.email}</dt>
            <dd>
              <a href={`mailto:${organisation.email}`}>{organisation.email}</a>
            </dd>
          </div>
        )}
        {organisation.secureEmail !== undefined && (
          <div>
            <dt>{p.secureEmail}</dt>
            <dd>
              <a href={`mailto:${organisation.secureEmail}`}>{organisation.secureEmail}</a>
            </dd>
          </div>
        )}
        {organisation.url !== undefined && (
          <div>
            <dt>{p.web}</dt>
            <dd>{url === undefined ? organisation.url : <a href={url}>{organisation.url}</a>}</dd>
          </div>
        )}
      </dl>
    </li>
  );
}

/** `/directory`: the agencies of the pathway, what each does and how to reach it, filtered by a text. */
export function DirectoryPage() {
  const { t } = useLanguage();
  const p = usePagesText().directory;
  const id = useId();
  const directory = useDirectory();
  const [filter, setFilter] = useState('');
  const deferred = useDeferredValue(filter);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  const sessionEnded = directory.error instanceof ApiError && directory.error.status === 401;
  const agencies = directory.data?.agencies ?? [];
  const words = deferred
    .toLocaleLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '');
  const shown = agencies.filter((agency) => {
    const text = searchText(agency, [labelOf(t.roles, agency.id)]);
    return words.every((word) => text.includes(word));
  });

  return (
    <section aria-labelledby="directory-title" className="panel directory">
      <h1 id="directory-title" tabIndex={-1} ref={heading}>
        {p.title}
      </h1>
      <p>{p.intro}</p>
      {directory.data !== undefined && <p className="muted">{p.policy(directory.data.policyVersion)}</p>}
      <form
        role="search"
        className="filters"
        onSubmit={(event) => {
          event.preventDefault();
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-filter`}>{p.filter}</label>
          <input
            id={`${id}-filter`}
            type="search"
            value={filter}
            aria-describedby={`${id}-filter-hint`}
            onChange={(event) => {
              setFilter(event.target.value);
            }}
          />
          <p id={`${id}-filter-hint`} className="hint">
            {p.filterHint}
          </p>
        </div>
      </form>
      <div aria-live="polite" className="status">
        {directory.isPending && <p>{t.loading}</p>}
        {directory.isError && !sessionEnded && (
          <p role="alert" className="error">
            {t.loadFailed}
          </p>
        )}
        {directory.data !== undefined && (
          <p className="muted">{shown.length === 0 ? p.none : p.shown(shown.length, agencies.length)}</p>
        )}
      </div>
      <ul className="agencies">
        {shown.map((agency) => (
          <li key={agency.id} className="agency">
            <h2>{labelOf(t.roles, agency.id)}</h2>
            <p lang="en" className="agency-name">
              {agency.name}
            </p>
            <p lang="en">{agency.role}</p>
            {agency.organisations.length === 0 ? (
              <p className="muted">{p.noContacts}</p>
            ) : (
              <ul className="organisations">
                {agency.organisations.map((organisation) => (
                  <Contact key={organisation.name} organisation={organisation} agencyName={agency.name} />
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
