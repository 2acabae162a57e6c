import type { PathwayCommand } from '../model/pathway.commands.js';
import type { PathwayEvent } from '../model/pathway.events.js';
import type { PathwayState } from '../model/pathway.state.js';
import type { Policy } from '../policy/policy.types.js';
import type { Instant } from '../time.js';
import { decide } from './pathway.decide.js';
import type { Decision } from './pathway.decision.js';
import { evolve } from './pathway.evolve.js';
import {
  scheduleFor,
  staleReminders,
  type DueAction,
  type ReminderAction,
  type ScheduledAction,
} from './pathway.schedule.js';

/**
 * The pathway's run loop as pure functions — what the workflow does with the domain, and what the scenario
 * fixtures, the property tests' random walks and the access matrix's exploration do the same way:
 *
 *   act      decide a command at an instant and, if accepted, evolve the state event by event
 *   pending  the scheduled actions not yet taken, earliest first (the timers to hold)
 *   fire     take a due action: a reminder changes nothing; a deadline's command is decided at the
 *            action's own instant, whatever the latency of the timer that noticed it
 *   stale    after a change, the reminders whose moment passed while their deadline was held (a held
 *            deadline that resumes does not send them late)
 */

/** One event applied, with the state right after it (recipients are named from that state). */
export interface AppliedEvent {
  readonly event: PathwayEvent;
  readonly state: PathwayState;
}

export interface Applied {
  readonly state: PathwayState;
  readonly applied: readonly AppliedEvent[];
}

/** Evolves `state` by `events`, one at a time. */
export function applyEvents(state: PathwayState, events: readonly PathwayEvent[]): Applied {
  const applied: AppliedEvent[] = [];
  let current = state;
  for (const event of events) {
    current = evolve(current, event);
    applied.push({ event, state: current });
  }
  return { state: current, applied };
}

export type Acted = Applied & { readonly decision: Decision };

/** Decides `command` at `at`; when accepted, the state its events lead to (else the state unchanged). */
export function act(state: PathwayState, command: PathwayCommand, at: Instant, policy: Policy): Acted {
  const decision = decide(command, state, at, policy);
  return decision.ok
    ? { decision, ...applyEvents(state, decision.events) }
    : { decision, state, applied: [] };
}

/** The actions of the case's schedule not yet taken, earliest first (none before the case is open). */
export function pendingActions(
  state: PathwayState,
  policy: Policy,
  taken: ReadonlySet<string> = new Set(),
): readonly ScheduledAction[] {
  if (state.stage === 'not-started') return [];
  return scheduleFor(state, policy).actions.filter((action) => !taken.has(action.id));
}

export type Fired =
  | (Applied & { readonly kind: 'reminder'; readonly action: ReminderAction })
  | (Acted & { readonly kind: 'deadline'; readonly action: DueAction });

/**
 * Takes a due action. A reminder is only sent (the caller builds it from the state); a deadline's command
 * is decided at the action's instant — refused when the deadline moved meanwhile, which changes nothing.
 */
export function fire(state: PathwayState, action: ScheduledAction, policy: Policy): Fired {
  if (action.kind === 'reminder') return { kind: 'reminder', action, state, applied: [] };
  return { kind: 'deadline', action, ...act(state, action.command, action.at, policy) };
}

/** `staleReminders` between the schedules of two states (see there): not sent, their time is gone. */
export function staleRemindersAfter(
  before: PathwayState,
  after: PathwayState,
  now: Instant,
  policy: Policy,
): string[] {
  if (after.stage === 'not-started') return [];
  const previous = before.stage === 'not-started' ? undefined : scheduleFor(before, policy);
  return staleReminders(previous, scheduleFor(after, policy), now);
}
