import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type SubmitEvent } from 'react';
import { ApiError, apiError } from '../api/client.js';
import type { components } from '../api/openapi.js';
import { useLanguage } from '../i18n/language.js';
import type { Role } from '../i18n/messages.js';
import { useSession } from '../session/session.js';

type CreatedFeed = components['schemas']['CreatedCalendarFeed'];

/** The caller's active calendar feeds (never their secrets). */
function useFeeds(role: Role) {
  const { client } = useSession();
  return useQuery({
    queryKey: ['calendar-feeds', role],
    queryFn: async () => {
      const { data, error, response } = await client.GET(`/${role}/calendar-feeds` as const);
      if (data === undefined) throw apiError(response, error);
      return data;
    },
  });
}

/**
 * "Kalenderabonnement / Calendar subscription" (ADR 0020): make a calendar feed of your deadlines — its
 * address is shown this once, with a copy button and the warning that anyone with it reads the case refs
 * and deadlines — list your feeds, revoke them.
 */
export function CalendarFeeds({ role }: { readonly role: Role }) {
  const { t, formatDate } = useLanguage();
  const { client } = useSession();
  const queries = useQueryClient();
  const id = useId();
  const feeds = useFeeds(role);
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<CreatedFeed | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const create = useMutation({
    mutationFn: async (name: string) => {
      const { data, error, response } = await client.POST(`/${role}/calendar-feeds` as const, {
        body: name === '' ? {} : { label: name },
      });
      if (data === undefined) throw apiError(response, error);
      return data;
    },
    onSuccess: async (feed) => {
      setCreated(feed);
      setLabel('');
      setNotice(undefined);
      await queries.invalidateQueries({ queryKey: ['calendar-feeds', role] });
    },
  });
  const revoke = useMutation({
    mutationFn: async (feedId: string) => {
      const { error, response } = await client.DELETE(`/${role}/calendar-feeds/{feedId}` as const, {
        params: { path: { feedId } },
      });
      if (!response.ok) throw apiError(response, error);
    },
    onSuccess: async (_nothing, feedId) => {
      if (created?.id === feedId) setCreated(undefined);
      setNotice(t.feedRevoked);
      await queries.invalidateQueries({ queryKey: ['calendar-feeds', role] });
    },
  });

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    create.mutate(label.trim());
  };
  const copy = async (url: string): Promise<void> => {
    try {
      await navigator.clipboard.writeText(url);
      setNotice(t.feedCopied);
    } catch {
      setNotice(t.feedCopyFailed);
    }
  };
  const failure = (error: Error | null): string | undefined => {
    if (error === null) return undefined;
    return error instanceof ApiError && error.code === 'FEED_LIMIT_REACHED' ? t.feedLimit : t.feedFailed;
  };
  const problem = failure(create.error) ?? failure(revoke.error);

  return (
    <section aria-labelledby={`${id}-title`} className="panel calendar-feeds">
      <h2 id={`${id}-title`}>{t.feedTitle}</h2>
      <p>{t.feedIntro}</p>
      <form onSubmit={submit} className="feed-form">
        <label htmlFor={`${id}-label`}>{t.feedLabel}</label>
        <input
          id={`${id}-label`}
          value={label}
          maxLength={60}
          aria-describedby={`${id}-hint`}
          onChange={(event) => {
            setLabel(event.target.value);
          }}
        />
        <p id={`${id}-hint`} className="muted">
          {t.feedLabelHint}
        </p>
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? t.feedCreating : t.feedCreate}
        </button>
      </form>
      <div aria-live="polite" className="status">
        {problem !== undefined && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        {notice !== undefined && <p>{notice}</p>}
      </div>
      {created !== undefined && (
        <div className="feed-created">
          <p>{t.feedCreated}</p>
          <label htmlFor={`${id}-url`}>{t.feedAddressLabel}</label>
          <input
            id={`${id}-url`}
            readOnly
            value={created.url}
            className="feed-url"
            aria-describedby={`${id}-warning`}
            onFocus={(event) => {
              event.target.select();
            }}
          />
          <button type="button" onClick={() => void copy(created.url)}>
            {t.feedCopy}
          </button>
          <p id={`${id}-warning`} className="warning">
            {t.feedWarning}
          </p>
        </div>
      )}
      <h3>{t.feedListTitle}</h3>
      {feeds.data !== undefined &&
        (feeds.data.length === 0 ? (
          <p className="empty">{t.feedNone}</p>
        ) : (
          <ul className="feeds">
            {feeds.data.map((feed) => {
              const name = feed.label ?? t.feedUnnamed;
              return (
                <li key={feed.id}>
                  <span>
                    <strong>{name}</strong>{' '}
                    <span className="muted">
                      {t.feedCreatedAt(formatDate(feed.createdAt))},{' '}
                      {feed.lastUsedAt === undefined
                        ? t.feedNeverUsed
                        : t.feedLastUsed(formatDate(feed.lastUsedAt))}
                    </span>
                  </span>
                  <button
                    type="button"
                    aria-label={t.feedRevokeLabel(name)}
                    disabled={revoke.isPending}
                    onClick={() => {
                      revoke.mutate(feed.id);
                    }}
                  >
                    {t.feedRevoke}
                  </button>
                </li>
              );
            })}
          </ul>
        ))}
    </section>
  );
}
