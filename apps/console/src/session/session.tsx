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
import type { components } from '../api/openapi.js';
import { useLanguage } from '../i18n/language.js';
import type { Role } from '../i18n/messages.js';
import {
  PENDING_KEY,
  POPUP_CHANNEL,
  POPUP_STATE_PREFIX,
  authorizationRequest,
  authorizationResponseIn,
  completeAuthorization,
  discover,
  endSessionUrl,
  parsePending,
  withoutAuthorizationResponse,
  type OidcSession,
  type OidcSettings,
  type PendingAuthorization,
} from './oidc.js';

export interface Session {
  readonly role: Role;
  readonly org: string;
  readonly expiresAt: string;
}

/** How this gateway's console signs in (`GET /auth/config`): local, OpenID Connect, or none. */
export type SignInMethod = components['schemas']['SignInConfig'];

export interface SessionContext {
  readonly client: ApiClient;
  /** Who is signed in (kept after the session ended, so the page stays as it was). */
  readonly session: Session | undefined;
  /** The API refused the token, or its time ran out: sign in again; the page is kept. */
  readonly ended: boolean;
  /** True right after a sign-out (the sign-in page says so). */
  readonly signedOut: boolean;
  /** How to sign in here; undefined while the gateway is asked. */
  readonly method: SignInMethod | undefined;
  /** Why the last sign-in did not succeed (the gateway unreachable, the issuer refused …). */
  readonly failure: string | undefined;
  /** Local sign-in (the embedded default). */
  readonly signIn: (role: Role, org: string) => Promise<void>;
  /**
   * OpenID Connect sign-in: the whole page goes to the issuer and back when nothing is open; after the
   * session ended, a popup does, so the kept page and its unsaved form stay as they are.
   */
  readonly signInWithIssuer: () => Promise<void>;
  readonly signOut: () => void;
  /** After a sign-out with OpenID Connect: the issuer's own logout page, when it has one. */
  readonly issuerLogout: URL | undefined;
}

const Context = createContext<SessionContext | undefined>(undefined);

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The session (ADR 0018, ADR 0021): the bearer token lives in this provider's memory only — never in web
 * storage, a cookie or a URL. A reload signs out. A 401 or the token's expiry marks the session ended without
 * touching the page; signing in again resumes it. With OpenID Connect only a redirect's PKCE verifier, `state`
 * and `nonce` wait in `sessionStorage` while the browser is at the issuer, and are removed on return.
 */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const queries = useQueryClient();
  const token = useRef<string | undefined>(undefined);
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [ended, setEnded] = useState(false);
  const [signedOut, setSignedOut] = useState(false);
  const [method, setMethod] = useState<SignInMethod | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [issuerLogout, setIssuerLogout] = useState<URL | undefined>(undefined);
  const [relayed, setRelayed] = useState(false);
  const server = useRef<ReturnType<typeof discover> | undefined>(undefined);
  const popup = useRef<{ pending: PendingAuthorization; channel: BroadcastChannel } | undefined>(undefined);
  const callbackTaken = useRef(false);

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

  /** A token and who it is for: the same person again keeps the page and refetches; anyone else starts afresh. */
  const adopt = useCallback(
    async (accessToken: string, next: Session) => {
      const resumed = session !== undefined && session.role === next.role && session.org === next.org;
      token.current = accessToken;
      setSession(next);
      setEnded(false);
      setSignedOut(false);
      setFailure(undefined);
      setIssuerLogout(undefined);
      if (resumed) await queries.invalidateQueries();
      else queries.clear();
    },
    [queries, session],
  );
  const adoptOidc = useCallback(
    (signedIn: OidcSession) =>
      adopt(signedIn.accessToken, {
        role: signedIn.role,
        org: signedIn.org,
        expiresAt: signedIn.expiresAt,
      }),
    [adopt],
  );

  // A popup sign-in's callback (ADR 0021): hand the issuer's answer to the page that asked for it and close.
  // The opener is out of reach (the console's pages are cross-origin isolated from the issuer's), so the
  // answer goes over a same-origin BroadcastChannel; it is a one-time code, useless without the verifier
  // that only the opener holds.
  useEffect(() => {
    const answer = authorizationResponseIn(window.location.search);
    if (answer?.get('state')?.startsWith(POPUP_STATE_PREFIX) !== true) return;
    callbackTaken.current = true;
    const channel = new BroadcastChannel(POPUP_CHANNEL);
    channel.postMessage(answer.toString());
    channel.close();
    window.history.replaceState(null, '', withoutAuthorizationResponse(window.location.href));
    setRelayed(true);
    window.close();
  }, []);

  // How to sign in here.
  useEffect(() => {
    let live = true;
    client.GET('/auth/config').then(
      ({ data, error, response }) => {
        if (!live) return;
        if (data === undefined) setFailure(apiError(response, error).message);
        else setMethod(data);
      },
      (error: unknown) => {
        if (live) setFailure(messageOf(error));
      },
    );
    return () => {
      live = false;
    };
  }, [client]);

  const settings: OidcSettings | undefined = method?.mode === 'oidc' ? method : undefined;
  const issuer = useCallback(() => {
    if (settings === undefined) throw new Error('no OpenID Connect issuer is configured');
    server.current ??= discover(settings).catch((error: unknown) => {
      server.current = undefined;
      throw error;
    });
    return server.current;
  }, [settings]);

  // Back from the issuer after a redirect sign-in: the code and state leave the address bar at once, the
  // pending request leaves sessionStorage, and the code is exchanged for the token (kept in memory).
  useEffect(() => {
    if (settings === undefined || callbackTaken.current) return;
    const answer = authorizationResponseIn(window.location.search);
    if (answer === undefined) return;
    callbackTaken.current = true;
    const pending = parsePending(window.sessionStorage.getItem(PENDING_KEY));
    window.sessionStorage.removeItem(PENDING_KEY);
    window.history.replaceState(
      null,
      '',
      pending?.returnTo ?? withoutAuthorizationResponse(window.location.href),
    );
    if (pending === undefined) return;
    issuer()
      .then((as) => completeAuthorization(as, settings, window.location.origin, answer, pending))
      .then(adoptOidc)
      .catch((error: unknown) => {
        setFailure(messageOf(error));
      });
  }, [settings, issuer, adoptOidc]);

  const signIn = useCallback(
    async (role: Role, org: string) => {
      const { data, error, response } = await client.POST('/auth/local/token', { body: { role, org } });
      if (data === undefined) throw apiError(response, error);
      await adopt(data.token, { role: data.role, org: data.org, expiresAt: data.expiresAt });
    },
    [client, adopt],
  );

  const signInWithIssuer = useCallback(async () => {
    if (settings === undefined) throw new Error('no OpenID Connect issuer is configured');
    setFailure(undefined);
    const as = await issuer();
    const origin = window.location.origin;
    if (session === undefined) {
      const { url, pending } = await authorizationRequest(as, settings, origin, false);
      const { pathname, search, hash } = window.location;
      const returnTo = `${pathname}${search}${hash}`;
      window.sessionStorage.setItem(PENDING_KEY, JSON.stringify({ ...pending, returnTo }));
      window.location.assign(url);
      return;
    }
    // The session ended over a kept page: sign in again in a popup, never navigating this page away.
    popup.current?.channel.close();
    const { url, pending } = await authorizationRequest(as, settings, origin, true);
    const channel = new BroadcastChannel(POPUP_CHANNEL);
    popup.current = { pending, channel };
    channel.onmessage = (event: MessageEvent) => {
      const answer = new URLSearchParams(String(event.data));
      if (answer.get('state') !== pending.state) return;
      channel.close();
      popup.current = undefined;
      completeAuthorization(as, settings, origin, answer, pending)
        .then(adoptOidc)
        .catch((error: unknown) => {
          setFailure(messageOf(error));
        });
    };
    if (window.open(url, 'victim-pathway-sign-in', 'popup,width=520,height=680') === null) {
      channel.close();
      popup.current = undefined;
      throw new Error('popup-blocked');
    }
  }, [settings, issuer, session, adoptOidc]);

  const signOut = useCallback(() => {
    token.current = undefined;
    setSession(undefined);
    setEnded(false);
    setSignedOut(true);
    queries.clear();
    if (settings !== undefined) {
      issuer().then(
        (as) => {
          setIssuerLogout(endSessionUrl(as, settings, window.location.origin));
        },
        () => undefined,
      );
    }
  }, [queries, settings, issuer]);

  useEffect(
    () => () => {
      popup.current?.channel.close();
    },
    [],
  );

  const value = useMemo<SessionContext>(
    () => ({
      client,
      session,
      ended,
      signedOut,
      method,
      failure,
      signIn,
      signInWithIssuer,
      signOut,
      issuerLogout,
    }),
    [client, session, ended, signedOut, method, failure, signIn, signInWithIssuer, signOut, issuerLogout],
  );
  // A popup's callback page shows no console: only that it is done (if the browser keeps it open).
  return <Context.Provider value={value}>{relayed ? <PopupDone /> : children}</Context.Provider>;
}

function PopupDone() {
  const { t } = useLanguage();
  return (
    <main id="main" className="panel narrow">
      <p role="status">{t.popupDone}</p>
    </main>
  );
}

export function useSession(): SessionContext {
  const context = useContext(Context);
  if (context === undefined) throw new Error('useSession outside SessionProvider');
  return context;
}
