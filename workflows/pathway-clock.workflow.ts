import { condition, defineSignal, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';

/** One timer a stage clock holds: a reminder or a deadline of the parent's schedule, by its action id. */
export interface ClockTimer {
  readonly id: string;
  readonly at: string;
}

export interface PathwayClockInput {
  /** The parent pathway's workflow id (the case ref); it is told when each timer is due. */
  readonly caseRef: string;
  readonly timers: readonly ClockTimer[];
}

export interface PathwayClockResult {
  readonly timersDue: number;
}

/** Parent → clock: the stage's timetable changed (a renewal granted, a check-in recorded, …). */
export const clockRescheduled = defineSignal<[readonly ClockTimer[]]>('clockRescheduled');
/** Parent → clock: the stage is over; the clock completes. */
export const clockStopped = defineSignal('clockStopped');
/** Clock → parent: this timer is due; the parent asks the domain what it means. */
export const clockTimerDue = defineSignal<[{ readonly actionId: string }]>('clockTimerDue');

/**
 * Retired by ADR 0011 (the case now holds every timer itself); kept registered so that clocks started by
 * cases from before the `stage-timers-in-parent` patch replay, are stopped, and complete.
 *
 * A stage clock: holds the timers of one stage of a pathway that has a life of its own (a permit's
 * 6-month terms, six months of reintegration monitoring) and tells the parent when each is due. It decides
 * nothing: the parent owns the case's state and asks the domain; the clock keeps that stage's timers, and
 * their history, out of the parent's.
 */
async function runClock(input: PathwayClockInput): Promise<PathwayClockResult> {
  let timers = [...input.timers];
  let version = 0;
  let stopped = false;
  const due = new Set<string>();
  setHandler(clockRescheduled, (next) => {
    timers = [...next];
    version += 1;
  });
  setHandler(clockStopped, () => {
    stopped = true;
  });
  const parent = getExternalWorkflowHandle(input.caseRef);
  const isStopped = (): boolean => stopped; // set by a signal handler
  while (!isStopped()) {
    const next = timers
      .filter((t) => !due.has(t.id))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id))[0];
    const seen = version;
    const woken = () => stopped || version !== seen;
    if (next === undefined) {
      await condition(woken);
      continue;
    }
    if (!(await condition(woken, Math.max(1, Date.parse(next.at) - Date.now())))) {
      due.add(next.id);
      await parent.signal(clockTimerDue, { actionId: next.id });
    }
  }
  return { timersDue: due.size };
}

/** R11/R12: the clock of the §9c(5) permit stage: term expiries, renewal reminders and decisions. */
export async function residencePermitWorkflow(input: PathwayClockInput): Promise<PathwayClockResult> {
  return runClock(input);
}

/** R14: the clock of reintegration monitoring: check-ins due, reminders, missed check-ins, the end. */
export async function reintegrationMonitoringWorkflow(input: PathwayClockInput): Promise<PathwayClockResult> {
  return runClock(input);
}
