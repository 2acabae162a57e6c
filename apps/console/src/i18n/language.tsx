import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { MESSAGES, type Language, type Messages } from './messages.js';

/** Dates are the pathway's: Copenhagen's calendar, whatever the browser's zone (R4's "30 days" are Danish days). */
export const TIME_ZONE = 'Europe/Copenhagen';

const LOCALES: Readonly<Record<Language, string>> = { da: 'da-DK', en: 'en-GB' };
const DAY_MS = 86_400_000;

export interface LanguageContext {
  readonly language: Language;
  readonly t: Messages;
  readonly setLanguage: (language: Language) => void;
  /** `onsdag den 30. juni 2027` / `Wednesday 30 June 2027`, in Copenhagen. */
  readonly formatDate: (iso: string) => string;
  /** `7. december 2026` / `7 December 2026`, in Copenhagen. */
  readonly formatDay: (iso: string) => string;
  /** `om 3 dage`, `i morgen`, `for 2 dage siden` / `in 3 days`, by Copenhagen calendar days from `now`. */
  readonly formatRelative: (iso: string, now?: Date) => string;
}

const Context = createContext<LanguageContext | undefined>(undefined);

/** The day number of an instant's date in Copenhagen (days since 1970-01-01 of that calendar date). */
function copenhagenDay(instant: Date): number {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return Date.UTC(part('year'), part('month') - 1, part('day')) / DAY_MS;
}

export function LanguageProvider({ children }: { readonly children: ReactNode }) {
  const [language, setLanguage] = useState<Language>('da');
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = `${MESSAGES[language].appTitle} – ${MESSAGES[language].appSubtitle}`;
  }, [language]);
  const value = useMemo<LanguageContext>(() => {
    const locale = LOCALES[language];
    const date = new Intl.DateTimeFormat(locale, {
      timeZone: TIME_ZONE,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    const day = new Intl.DateTimeFormat(locale, {
      timeZone: TIME_ZONE,
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    return {
      language,
      t: MESSAGES[language],
      setLanguage,
      formatDate: (iso) => date.format(new Date(iso)),
      formatDay: (iso) => day.format(new Date(iso)),
      formatRelative: (iso, now = new Date()) =>
        relative.format(copenhagenDay(new Date(iso)) - copenhagenDay(now), 'day'),
    };
  }, [language]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useLanguage(): LanguageContext {
  const context = useContext(Context);
  if (context === undefined) throw new Error('useLanguage outside LanguageProvider');
  return context;
}
