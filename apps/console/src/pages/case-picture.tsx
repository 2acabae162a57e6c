import { useId } from 'react';
import type { components } from '../api/openapi.js';
import { CASE_MESSAGES } from '../i18n/case.messages.js';
import { TIME_ZONE, useLanguage } from '../i18n/language.js';

type CaseView = components['schemas']['CaseView'];

const DAY_MS = 86_400_000;

/** The parts of the case's state the picture draws (the API answers the state as an open object). */
interface PeriodPart {
  readonly kind: string;
  readonly startsAt: string;
  readonly baseDays: number;
  readonly capDays: number;
  readonly endsAt: string;
  readonly endedAt?: string;
  readonly extensions: readonly { readonly days: number; readonly endsAt: string }[];
  readonly pending?: { readonly days: number; readonly requestedAt: string };
}
interface PermitPart {
  readonly terms: readonly { readonly termNo: number; readonly startsAt: string; readonly endsAt: string }[];
  readonly pending?: { readonly renewal: boolean; readonly appliedAt: string };
}
interface MonitoringPart {
  readonly arrivedAt: string;
  readonly endsAt: string;
  readonly checkInsDueAt: readonly string[];
  readonly checkIns: readonly { readonly slot: number; readonly at: string }[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string';

function periodOf(state: Record<string, unknown>): PeriodPart | undefined {
  const period = state['period'];
  if (!isObject(period) || !isText(period['startsAt']) || !isText(period['endsAt'])) return undefined;
  return period as unknown as PeriodPart;
}
function permitOf(state: Record<string, unknown>): PermitPart | undefined {
  const permit = state['permit'];
  return isObject(permit) && Array.isArray(permit['terms']) ? (permit as unknown as PermitPart) : undefined;
}
function monitoringOf(state: Record<string, unknown>): MonitoringPart | undefined {
  const monitoring = state['monitoring'];
  return isObject(monitoring) && isText(monitoring['arrivedAt'])
    ? (monitoring as unknown as MonitoringPart)
    : undefined;
}

const WIDTH = 1000;
const LEFT = 120;
const RIGHT = 20;
const LANE = 46;
const TOP = 30;

/**
 * The pathway as a picture (issue 15): the reflection or restitution period with its extensions and the
 * 120-day cap as a line, the permit's terms and a pending renewal, the monitoring window with each check-in
 * (done, due, missed), every running deadline with its reminders and escalation, on one time axis with today
 * marked. An image with a title and a description; the same facts are listed as text below it.
 */
export function CasePicture({ view, now }: { readonly view: CaseView; readonly now: Date }) {
  const { language, formatDay } = useLanguage();
  const c = CASE_MESSAGES[language];
  const id = useId();
  const state = view.state as Record<string, unknown>;
  const period = periodOf(state);
  const permit = permitOf(state);
  const monitoring = monitoringOf(state);
  const steps = view.nextSteps ?? [];
  const deadlines = view.deadlines;
  const capAt =
    period === undefined
      ? undefined
      : new Date(Date.parse(period.startsAt) + period.capDays * DAY_MS).toISOString();
  const baseEnd =
    period === undefined
      ? undefined
      : new Date(Date.parse(period.startsAt) + period.baseDays * DAY_MS).toISOString();

  const instants = [
    isText(state['openedAt']) ? state['openedAt'] : undefined,
    period?.startsAt,
    period?.endsAt,
    capAt,
    ...(permit?.terms.flatMap((term) => [term.startsAt, term.endsAt]) ?? []),
    monitoring?.arrivedAt,
    monitoring?.endsAt,
    ...deadlines.map((d) => d.dueAt),
    ...steps.flatMap((s) => [...s.reminders.map((r) => r.at), ...(s.escalation ? [s.escalation.at] : [])]),
    now.toISOString(),
  ]
    .filter(isText)
    .map((text) => Date.parse(text));
  const from = Math.min(...instants) - 2 * DAY_MS;
  const to = Math.max(...instants, from + 30 * DAY_MS) + 4 * DAY_MS;
  const x = (iso: string): number => LEFT + ((Date.parse(iso) - from) / (to - from)) * (WIDTH - LEFT - RIGHT);

  const lanes = [
    ...(period ? (['period'] as const) : []),
    ...(permit && permit.terms.length > 0 ? (['permit'] as const) : []),
    ...(monitoring ? (['monitoring'] as const) : []),
    'deadlines' as const,
  ];
  const laneY = (lane: (typeof lanes)[number]): number => TOP + lanes.indexOf(lane) * LANE;
  const height = TOP + lanes.length * LANE + 30;
  const laneName = {
    period: c.lanePeriod,
    permit: c.lanePermit,
    monitoring: c.laneMonitoring,
    deadlines: c.laneDeadlines,
  };

  // Month ticks on the axis, in Copenhagen's calendar.
  const monthFormat = new Intl.DateTimeFormat(language === 'da' ? 'da-DK' : 'en-GB', {
    timeZone: TIME_ZONE,
    month: 'short',
    year: '2-digit',
  });
  const ticks: string[] = [];
  for (let at = new Date(from); at.getTime() <= to;) {
    const next = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
    if (next.getTime() <= to) ticks.push(next.toISOString());
    at = next;
  }
  const axisY = height - 24;
  const bar = (
    lane: (typeof lanes)[number],
    start: string,
    end: string,
    className: string,
    title: string,
  ) => (
    <rect
      key={`${lane}-${className}-${start}`}
      className={className}
      x={x(start)}
      y={laneY(lane) - 9}
      width={Math.max(2, x(end) - x(start))}
      height={18}
      rx={3}
    >
      <title>{title}</title>
    </rect>
  );
  const span = (start: string, end: string) => `${formatDay(start)} – ${formatDay(end)}`;

  return (
    <figure className="case-picture">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={`${id}-title`}>{c.pictureTitle}</title>
        <desc id={`${id}-desc`}>{c.pictureDesc}</desc>
        {lanes.map((lane) => (
          <g key={lane}>
            <line className="lane" x1={LEFT} x2={WIDTH - RIGHT} y1={laneY(lane)} y2={laneY(lane)} />
            <text className="lane-name" x={8} y={laneY(lane) + 4}>
              {laneName[lane]}
            </text>
          </g>
        ))}
        {period && baseEnd && (
          <g>
            {bar(
              'period',
              period.startsAt,
              baseEnd,
              'base',
              `${c.basePeriod(period.baseDays)}: ${span(period.startsAt, baseEnd)}`,
            )}
            {period.extensions.map((extension, n) => {
              const start = n === 0 ? baseEnd : (period.extensions[n - 1]?.endsAt ?? baseEnd);
              return bar(
                'period',
                start,
                extension.endsAt,
                'extension',
                `${c.extension(extension.days)}: ${span(start, extension.endsAt)}`,
              );
            })}
            {period.pending && (
              <circle className="pending" cx={x(period.pending.requestedAt)} cy={laneY('period')} r={6}>
                <title>{`${c.pendingExtension(period.pending.days)} (${formatDay(period.pending.requestedAt)})`}</title>
              </circle>
            )}
            {capAt && (
              <g className="cap">
                <line x1={x(capAt)} x2={x(capAt)} y1={laneY('period') - 16} y2={laneY('period') + 16} />
                <text x={x(capAt) - 4} y={laneY('period') - 18} textAnchor="end">
                  {c.cap(period.capDays)}
                </text>
                <title>{`${c.cap(period.capDays)}: ${formatDay(capAt)}`}</title>
              </g>
            )}
          </g>
        )}
        {permit?.terms.map((term) =>
          bar(
            'permit',
            term.startsAt,
            term.endsAt,
            'term',
            `${c.permitTerm(term.termNo)}: ${span(term.startsAt, term.endsAt)}`,
          ),
        )}
        {permit?.pending && permit.terms.length > 0 && (
          <circle className="pending" cx={x(permit.pending.appliedAt)} cy={laneY('permit')} r={6}>
            <title>{formatDay(permit.pending.appliedAt)}</title>
          </circle>
        )}
        {monitoring && (
          <g>
            {bar(
              'monitoring',
              monitoring.arrivedAt,
              monitoring.endsAt,
              'window',
              `${c.monitoringWindow}: ${span(monitoring.arrivedAt, monitoring.endsAt)}`,
            )}
            {monitoring.checkInsDueAt.map((due, n) => {
              const done = monitoring.checkIns.find((checkIn) => checkIn.slot === n + 1);
              const status = done ? 'done' : Date.parse(due) < now.getTime() ? 'missed' : 'due';
              const label = { done: c.checkInDone, due: c.checkInDue, missed: c.checkInMissed }[status];
              return (
                <circle
                  key={due}
                  className={`check-in ${status}`}
                  cx={x(done?.at ?? due)}
                  cy={laneY('monitoring')}
                  r={6}
                >
                  <title>{`${label}: ${formatDay(done?.at ?? due)}`}</title>
                </circle>
              );
            })}
          </g>
        )}
        {deadlines.map((deadline) => {
          const step = steps.find((s) => s.deadlineId === deadline.id);
          const y = laneY('deadlines');
          return (
            <g key={deadline.id}>
              {step?.reminders.map((reminder) => (
                <path
                  key={reminder.at}
                  className={`reminder${reminder.past ? ' past' : ''}`}
                  d={`M ${x(reminder.at)} ${y - 7} l 6 7 l -6 7 l -6 -7 z`}
                >
                  <title>{`${c.reminder}: ${formatDay(reminder.at)}`}</title>
                </path>
              ))}
              {step?.escalation && (
                <path className="escalation" d={`M ${x(step.escalation.at)} ${y - 9} l 8 16 l -16 0 z`}>
                  <title>{`${c.escalation}: ${formatDay(step.escalation.at)}`}</title>
                </path>
              )}
              <rect className="deadline" x={x(deadline.dueAt) - 2} y={y - 12} width={4} height={24}>
                <title>{`${deadline.kind} (${deadline.rule}): ${formatDay(deadline.dueAt)}`}</title>
              </rect>
            </g>
          );
        })}
        <line className="axis" x1={LEFT} x2={WIDTH - RIGHT} y1={axisY} y2={axisY} />
        {ticks.map((tick) => (
          <g key={tick} className="tick">
            <line x1={x(tick)} x2={x(tick)} y1={axisY} y2={axisY + 5} />
            <text x={x(tick)} y={axisY + 17} textAnchor="middle">
              {monthFormat.format(new Date(tick))}
            </text>
          </g>
        ))}
        <g className="today">
          <line x1={x(now.toISOString())} x2={x(now.toISOString())} y1={TOP - 22} y2={axisY} />
          <text x={x(now.toISOString()) + 4} y={TOP - 14}>
            {c.today}
          </text>
        </g>
      </svg>
      <figcaption className="legend">
        <span className="key base">{c.lanePeriod}</span>
        <span className="key extension">{c.extensionKey}</span>
        <span className="key cap">{c.capKey}</span>
        <span className="key reminder">{c.reminder}</span>
        <span className="key escalation">{c.escalation}</span>
        <span className="key deadline">{c.laneDeadlines}</span>
      </figcaption>
    </figure>
  );
}
