import type { Actor, AgencyId } from '../agency.js';
import type { Policy } from '../policy/policy.types.js';
import type { Next } from '../rules/return.rules.js';
import type { Instant } from '../time.js';
import type { PathwayEvent } from '../model/pathway.events.js';
import { OK, refuse, type Check, type Refusal } from '../model/pathway.refusals.js';
import type { OpenStage, Stage } from '../stages.js';
import type { CaseState } from '../model/pathway.state.js';

/** What `decide` returns: the events to append, or a refusal with a stable code. */
export type Decision = { readonly ok: true; readonly events: readonly PathwayEvent[] } | Refusal;

/** Everything a command handler gets: the open case, the instant and the case's own policy. */
export interface HandlerContext {
  readonly state: CaseState & { readonly stage: OpenStage };
  readonly now: Instant;
  readonly policy: Policy;
}

export function accept(...events: readonly PathwayEvent[]): Decision {
  return { ok: true, events };
}

/** Accepts nothing new: the command repeats a fact already recorded (idempotent). */
export const NOTHING_TO_DO: Decision = { ok: true, events: [] };

/** For an actor that passed its rule check but is not an agency (never for a well-formed policy). */
/** `via` of a victim's act (the agency that helped), carried into its event; nothing for an agency's own act. */
export function viaOf(command: { readonly by: Actor; readonly via?: AgencyId }): { via?: AgencyId } {
  return command.by === 'victim' && command.via !== undefined ? { via: command.via } : {};
}

export function notAnAgency(): Refusal {
  return refuse('ACTOR_NOT_PERMITTED', 'this act is recorded by an agency');
}

export function checkStage(state: CaseState, allowed: readonly Stage[], what: string): Check {
  return allowed.includes(state.stage)
    ? OK
    : refuse('NOT_IN_STAGE', `${what} is not possible in stage ${state.stage}`);
}

/** The event that carries out a `Next`: a stage change or a closure. */
export function transition(from: OpenStage, next: Next, at: Instant): PathwayEvent {
  return next.kind === 'move'
    ? { type: 'StageChanged', at, from, to: next.to, rule: next.rule }
    : { type: 'CaseClosed', at, from, reason: next.reason, rule: next.rule };
}
