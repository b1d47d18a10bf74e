/**
 * The logged-in account and the API client, for every page. The session token is kept in
 * localStorage so a reload keeps the user logged in; a 401 on any call ends it.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiClient, ApiFailure, type Session, type User } from './api/client';

const TOKEN_KEY = 'burrow.session';

/** What pages get from useSession(). */
export interface SessionState {
  api: ApiClient;
  /** loading: a stored token is being checked. */
  status: 'loading' | 'anonymous' | 'user';
  user: User | undefined;
  /** false while the API cannot be reached (the banner says so). */
  online: boolean;
  /** Keeps a session from signup or login. */
  signIn(session: Session): void;
  /** Ends the session here (and on the server when it can be reached). */
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

function readToken(): string | undefined {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled: the session lasts as long as the page
  }
}

function writeToken(token: string | undefined): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: nothing to keep
  }
}

/** Provides the session to the app. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const tokenRef = useRef<string | undefined>(readToken());
  const [user, setUser] = useState<User | undefined>();
  const [status, setStatus] = useState<SessionState['status']>(tokenRef.current ? 'loading' : 'anonymous');
  const [online, setOnline] = useState(true);

  const forget = useCallback(() => {
    tokenRef.current = undefined;
    writeToken(undefined);
    setUser(undefined);
    setStatus('anonymous');
  }, []);

  const api = useMemo(() => new ApiClient(() => tokenRef.current, { reachable: setOnline, unauthorized: forget }), [forget]);

  // A stored token: check it (retrying while the API is unreachable, so a reload during an outage keeps the session).
  useEffect(() => {
    if (!tokenRef.current) return;
    const abort = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      api.me(abort.signal).then(
        (me) => {
          setUser(me);
          setStatus('user');
        },
        (err: unknown) => {
          if (abort.signal.aborted) return;
          if (err instanceof ApiFailure && err.offline) retry = setTimeout(check, 2_000);
          else forget();
        },
      );
    };
    check();
    return () => {
      abort.abort();
      clearTimeout(retry);
    };
  }, [api, forget]);

  // While the API is unreachable, check its health every few seconds so the banner clears on its own.
  useEffect(() => {
    if (online) return;
    const timer = setInterval(() => {
      fetch('/api/health', { cache: 'no-store' }).then(
        // Any answer of the api itself (even "degraded") means it is reachable again.
        (res) => (res.headers.get('content-type') ?? '').includes('json') && setOnline(true),
        () => undefined,
      );
    }, 2_000);
    return () => clearInterval(timer);
  }, [online]);

  const value = useMemo<SessionState>(
    () => ({
      api,
      status,
      user,
      online,
      signIn(session) {
        tokenRef.current = session.token;
        writeToken(session.token);
        setUser(session.user);
        setStatus('user');
      },
      async signOut() {
        try {
          await api.logout();
        } catch {
          // Offline or already revoked: the local session ends either way.
        }
        forget();
      },
    }),
    [api, status, user, online, forget],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session; only inside SessionProvider. */
export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
