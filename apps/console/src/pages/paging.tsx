import { useState } from 'react';
import { useLanguage } from '../i18n/language.js';

/**
 * The pages of a listing seen so far, by the API's opaque `Link: rel="next"` cursors: the current one, and
 * the way to the next page and back to the first (undefined is the first page).
 */
export function useCursors() {
  const [cursors, setCursors] = useState<readonly (string | undefined)[]>([undefined]);
  return {
    cursors,
    cursor: cursors[cursors.length - 1],
    first: () => {
      setCursors([undefined]);
    },
    next: (cursor: string) => {
      setCursors([...cursors, cursor]);
    },
  };
}

/** "Page n", "First page", "Next page" under a listing. */
export function Paging({
  paging,
  next,
}: {
  readonly paging: ReturnType<typeof useCursors>;
  readonly next: string | undefined;
}) {
  const { t } = useLanguage();
  const page = paging.cursors.length;
  return (
    <nav className="paging" aria-label={t.page(page)}>
      <span>{t.page(page)}</span>
      {page > 1 && (
        <button type="button" onClick={paging.first}>
          {t.firstPage}
        </button>
      )}
      {next !== undefined && (
        <button
          type="button"
          onClick={() => {
            paging.next(next);
          }}
        >
          {t.nextPage}
        </button>
      )}
    </nav>
  );
}
