import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { apiError, createApiClient, type ApiClient } from '../api/client.js';
import type { Role } from '../i18n/messages.js';

export interface Session {
  readonly role: Role;
  readonly org: string;
  readonly expiresAt: string;
}

export interface SessionContext {
  readonly client: ApiClient;
  /** Who is signed in (kept after the session ended, so the page stays as it was). */
  readonly session: Session | undefined;
  /** The API refused the token, or its time ran out: sign in again; the page is kept. */
  readonly ended: boolean;
  /** True right after a sign-out (the sign-in page says so). */
  readonly signedOut: boolean;
  readonly signIn: (role: Role, org: string) => Promise<void>;
  readonly signOut: () => void;
}

const Context = createContext<SessionContext | undefined>(undefined);

/**
 * The session (ADR 0018): the bearer token lives in this provider's memory only — never in web storage, a
 * cookie or a URL. A reload signs out. A 401 or the token's expiry marks the session ended without touching
 * the page; signing in again resumes it.
 */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const queries = useQueryClient();
  const token = useRef<string | undefined>(undefined);
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [ended, setEnded] = useState(false);
  const [signedOut, setSignedOut] = useState(false);

  const client = useMemo(
    () =>
      createApiClient({
        token: () => token.current,
        onSessionEnded: () => {
          setEnded(true);
        },
      }),
    [],
  );

  // The token's own end: say so before the next call is refused.
  useEffect(() => {
    if (session === undefined || ended) return undefined;
    const timer = window.setTimeout(
      () => {
        setEnded(true);
      },
      Math.max(0, Date.parse(session.expiresAt) - Date.now()),
    );
    return () => {
      window.clearTimeout(timer);
    };
  }, [session, ended]);

  const signIn = useCallback(
    async (role: Role, org: string) => {
      const { data, error, response } = await client.POST('/auth/local/token', { body: { role, org } });
      if (data === undefined) throw apiError(response, error);
      const resumed = session !== undefined && session.role === data.role && session.org === data.org;
      token.current = data.token;
      setSession({ role: data.role, org: data.org, expiresAt: data.expiresAt });
      setEnded(false);
      setSignedOut(false);
      // The same person again: the page is kept and its data fetched anew. Anyone else starts afresh.
      if (resumed) await queries.invalidateQueries();
      else queries.clear();
    },
    [client, queries, session],
  );

  const signOut = useCallback(() => {
    token.current = undefined;
    setSession(undefined);
    setEnded(false);
    setSignedOut(true);
    queries.clear();
  }, [queries]);

  const value = useMemo<SessionContext>(
    () => ({ client, session, ended, signedOut, signIn, signOut }),
    [client, session, ended, signedOut, signIn, signOut],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSession(): SessionContext {
  const context = useContext(Context);
  if (context === undefined) throw new Error('useSession outside SessionProvider');
  return context;
}
