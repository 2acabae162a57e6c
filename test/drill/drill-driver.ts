/**
 * The drill's driver: a well-behaved agency client making acts on many cases over HTTP with real tokens.
 * Every request carries an Idempotency-Key; a 503, a connection error or a timeout is retried with the same
 * key (honouring Retry-After, capped), within a bounded budget. A 202 on open is a success with the case ref.
 * Every answer is counted by status, with the longest answer time.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Role } from '../../libs/contracts/src/index.js';

/** `ERR` stands for no HTTP answer at all (connection refused or reset, or the client's timeout). */
export type AnswerStatus = number | 'ERR';

export class HttpTally {
  readonly byStatus = new Map<string, number>();
  maxMs = 0;
  /** Answers that ended a request for good (2xx or a final refusal), for progress checks. */
  completed = 0;

  record(status: AnswerStatus, ms: number): void {
    const key = String(status);
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
    this.maxMs = Math.max(this.maxMs, ms);
  }

  /** 5xx answers other than 503. */
  serverErrorsBut503(): number {
    let n = 0;
    for (const [status, count] of this.byStatus) if (/^5\d\d$/.test(status) && status !== '503') n += count;
    return n;
  }

  summary(): string {
    return [...this.byStatus.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${status}:${count}`)
      .join(' ');
  }
}

export interface Answer {
  readonly status: AnswerStatus;
  readonly body: unknown;
  readonly location: string | null;
}

export interface DriverOptions {
  readonly baseUrl: string;
  /** The client gives up on one attempt after this long (counted as ERR). */
  readonly requestTimeoutMs: number;
  /** The client gives up retrying one request after this long; the last answer is returned. */
  readonly retryBudgetMs: number;
  readonly tokens: Readonly<Record<'police' | 'cmm' | 'dis', string>>;
  readonly keyPrefix: string;
  readonly log: (line: string) => void;
}

const RETRY_CAP_MS = 2_000;
const OPEN_BODY = { facts: { hasLegalStay: false, age: 'adult' } };
const PERSON_BODY = { version: 0, identity: { givenNames: 'Drill', familyName: 'Person' } };

/** One step of a case's act sequence (after the open). */
interface Step {
  readonly role: 'cmm' | 'dis' | 'police';
  readonly act: string;
  readonly body: Record<string, unknown>;
  /** Only on cases opened by the police (the unit holds the grant the act needs). */
  readonly policeCasesOnly?: boolean;
}

// R2, R3/R4 (DIS is competent: no legal stay), R11: the path of most cases, as in the used-by e2e flows.
const STEPS: readonly Step[] = [
  { role: 'cmm', act: 'record-interview', body: {} },
  { role: 'cmm', act: 'submit-for-identification', body: {} },
  { role: 'dis', act: 'decide-identification', body: { outcome: 'identified' } },
  {
    role: 'police',
    act: 'apply-for-permit',
    body: { victimCooperatesWithPolice: true },
    policeCasesOnly: true,
  },
  { role: 'dis', act: 'decide-permit', body: { outcome: 'granted' }, policeCasesOnly: true },
];

export interface CaseOutcome {
  readonly index: number;
  readonly opener: 'police' | 'cmm';
  caseRef?: string;
  /** Steps answered 2xx (the open included). */
  done: number;
  /** The first answer that stopped the case's sequence (not 2xx after the retries), if any. */
  stoppedBy?: string;
}

export class DrillDriver {
  readonly http = new HttpTally();
  readonly cases: CaseOutcome[] = [];
  /**
   * The X-Request-Id of every attempt that got an HTTP answer whose access record the gateway says it
   * stored (every answer but 503 ACCESS_LOG_UNAVAILABLE): each must have a record on the access-log topic.
   */
  readonly answeredRequestIds: string[] = [];
  /** Cases whose person record the gateway recorded (each must be announced on the audit topic). */
  readonly personRecorded: string[] = [];
  private nextIndex = 0;
  private attempts = 0;

  constructor(private readonly options: DriverOptions) {}

  /** Case refs the driver was given (by 201, 200 or 202). */
  refs(): string[] {
    return this.cases.flatMap((c) => (c.caseRef === undefined ? [] : [c.caseRef]));
  }

  /**
   * Runs `concurrency` lanes, each opening a case and making its acts, while `more()` says so; returns when
   * every lane has finished its current case.
   */
  async run(concurrency: number, more: () => boolean): Promise<void> {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (more()) {
          await this.driveCase(this.nextIndex++);
          await delay(100);
        }
      }),
    );
  }

  /** Drives exactly `count` more cases with `concurrency` lanes. */
  async runCases(count: number, concurrency: number): Promise<void> {
    const last = this.nextIndex + count;
    await this.run(concurrency, () => this.nextIndex < last);
  }

  private async driveCase(index: number): Promise<void> {
    const opener = index % 2 === 0 ? 'police' : 'cmm';
    const outcome: CaseOutcome = { index, opener, done: 0 };
    this.cases.push(outcome);
    const opened = await this.request(
      'POST',
      `/${opener}/cases`,
      opener,
      OPEN_BODY,
      `${this.options.keyPrefix}-c${index}-open`,
    );
    const caseRef = refOf(opened);
    if (!isSuccess(opened.status) || caseRef === undefined) {
      outcome.stoppedBy = `open ${String(opened.status)}`;
      return;
    }
    outcome.caseRef = caseRef;
    outcome.done = 1;
    // The person behind the case (a sealed record; its event goes through the gateway's outbox). A retry
    // after an answer lost on the way finds the record already at version 1: that is recorded too.
    const person = await this.request('PATCH', `/cmm/cases/${caseRef}/person`, 'cmm', PERSON_BODY);
    if (person.status === 200 || codeOf(person) === ' PERSON_VERSION_CONFLICT') {
      this.personRecorded.push(caseRef);
    } else {
      outcome.stoppedBy = `record the person ${String(person.status)}${codeOf(person)}`;
      return;
    }
    for (const [n, step] of STEPS.entries()) {
      if (step.policeCasesOnly === true && opener !== 'police') continue;
      const answer = await this.request(
        'POST',
        `/${step.role}/cases/${caseRef}/${step.act}`,
        step.role,
        step.body,
        `${this.options.keyPrefix}-c${index}-s${n}`,
      );
      if (!isSuccess(answer.status)) {
        outcome.stoppedBy = `${step.act} ${String(answer.status)}${codeOf(answer)}`;
        return;
      }
      outcome.done += 1;
    }
  }

  /** The case as CMM sees it (retried like any request); undefined when no 200 came. */
  async view(caseRef: string): Promise<unknown> {
    const answer = await this.request('GET', `/cmm/cases/${caseRef}`, 'cmm');
    return answer.status === 200 ? answer.body : undefined;
  }

  /** One request with retries on 503, other 5xx, connection errors and timeouts, with the same key. */
  async request(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    role: Role & ('police' | 'cmm' | 'dis'),
    body?: unknown,
    key?: string,
  ): Promise<Answer> {
    const giveUpAt = Date.now() + this.options.retryBudgetMs;
    let wait = 250;
    for (;;) {
      const answer = await this.attempt(method, path, role, body, key);
      const retryable = answer.status === 'ERR' || answer.status >= 500 || answer.status === 429;
      if (!retryable || Date.now() + wait > giveUpAt) {
        this.http.completed += 1;
        return answer;
      }
      await delay(answer.retryAfterMs ?? wait);
      wait = Math.min(wait * 2, RETRY_CAP_MS);
    }
  }

  private async attempt(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    role: 'police' | 'cmm' | 'dis',
    body: unknown,
    key: string | undefined,
  ): Promise<Answer & { retryAfterMs?: number }> {
    const started = performance.now();
    const requestId = `${this.options.keyPrefix}-r${String(this.attempts++).padStart(6, '0')}`;
    try {
      const response = await fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.tokens[role]}`,
          'x-request-id': requestId,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(key !== undefined ? { 'idempotency-key': key } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      const text = await response.text();
      this.http.record(response.status, performance.now() - started);
      if (
        codeOf({ status: response.status, body: parseJson(text), location: null }) !==
        ' ACCESS_LOG_UNAVAILABLE'
      )
        this.answeredRequestIds.push(requestId);
      const retryAfter = Number(response.headers.get('retry-after'));
      return {
        status: response.status,
        body: parseJson(text),
        location: response.headers.get('location'),
        ...(Number.isFinite(retryAfter) && retryAfter > 0
          ? { retryAfterMs: Math.min(retryAfter * 1000, RETRY_CAP_MS) }
          : {}),
      };
    } catch {
      this.http.record('ERR', performance.now() - started);
      return { status: 'ERR', body: undefined, location: null };
    }
  }
}

function isSuccess(status: AnswerStatus): boolean {
  return typeof status === 'number' && status >= 200 && status < 300;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** The case ref of an open's answer: the body's `caseRef`, else the last segment of `Location`. */
function refOf(answer: Answer): string | undefined {
  const fromBody = (answer.body as { caseRef?: unknown } | undefined)?.caseRef;
  if (typeof fromBody === 'string') return fromBody;
  const fromLocation = /\/(PW-[0-9A-Z]+)(?:[/?#]|$)/.exec(answer.location ?? '')?.[1];
  return fromLocation;
}

function codeOf(answer: Answer): string {
  const code = (answer.body as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? ` ${code}` : '';
}
