import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './openapi.js';

export type ApiClient = Client<paths>;
export type Problem = components['schemas']['Problem'];

/** An answer that is not a success: its status and the problem's stable code and sentence. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly detail: string | undefined,
  ) {
    super(`${status} ${code ?? ''}`.trim());
  }
}

/** The answer's problem as an error (openapi-fetch hands back the parsed body of a failure). */
export function apiError(response: Response, error: unknown): ApiError {
  const problem: Partial<Problem> = typeof error === 'object' && error !== null ? error : {};
  // A validation problem says what is wrong field by field: the reasons are the useful part.
  const reasons = (problem.errors ?? []).map((e) => e.detail);
  const detail = [problem.detail, ...reasons].filter((part) => part !== undefined).join(' ');
  return new ApiError(response.status, problem.code, detail === '' ? undefined : detail);
}

export interface SessionHooks {
  /** The bearer token to send, or undefined when signed out. */
  token(): string | undefined;
  /** The API refused the token (401): expired, or no longer valid. */
  onSessionEnded(): void;
}

/**
 * The console's API client: typed by the committed OpenAPI document (`openapi.d.ts`, generated), same origin,
 * the token from memory as `Authorization: Bearer` (never in a URL), and a 401 reported as the session's end.
 */
export function createApiClient(hooks: SessionHooks): ApiClient {
  const client = createClient<paths>({ baseUrl: window.location.origin });
  client.use({
    onRequest({ request }) {
      const token = hooks.token();
      if (token !== undefined && !new URL(request.url).pathname.startsWith('/auth/')) {
        request.headers.set('Authorization', `Bearer ${token}`);
      }
      return request;
    },
    onResponse({ request, response }) {
      if (response.status === 401 && request.headers.has('Authorization')) hooks.onSessionEnded();
      return response;
    },
  });
  return client;
}

/** The cursor of the next page from a `Link: <…?cursor=…>; rel="next"` header (RFC 8288), if any. */
export function nextCursor(link: string | null): string | undefined {
  if (link === null) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part);
    if (match?.[1] !== undefined) {
      return new URL(match[1], window.location.origin).searchParams.get('cursor') ?? undefined;
    }
  }
  return undefined;
}
