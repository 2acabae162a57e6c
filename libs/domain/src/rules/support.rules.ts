import { assertNever } from '../assert-never.js';
import type { Stage } from '../stages.js';
import type { AgeStatus } from '../model/pathway.state.js';
import {
  COOPERATION_CONDITION_KINDS,
  type CooperationConditionKind,
  type Policy,
  type SupportCondition,
  type SupportOffer,
} from '../policy/policy.types.js';
import { isTreatedAsChild } from './children.rules.js';

/** What support eligibility may look at: the stage and whether the person is treated as a child. Nothing else. */
export interface SupportContext {
  readonly stage: Stage | 'not-started';
  readonly age: AgeStatus;
}

// R8: the support on offer now: every offer available in the current stage whose conditions hold.
// R9: the context deliberately carries no cooperation facts, so support cannot depend on them.
export function supportOffersFor(context: SupportContext, policy: Policy): readonly SupportOffer[] {
  if (context.stage === 'not-started') return [];
  const stage = context.stage;
  return policy.supportOffers.filter(
    (offer) => offer.availableIn.includes(stage) && offer.conditions.every((c) => conditionHolds(c, context)),
  );
}

export function isCooperationCondition(
  condition: SupportCondition,
): condition is SupportCondition & { kind: CooperationConditionKind } {
  return (COOPERATION_CONDITION_KINDS as readonly string[]).includes(condition.kind);
}

function conditionHolds(condition: SupportCondition, context: SupportContext): boolean {
  switch (condition.kind) {
    case 'is-child':
      return isTreatedAsChild(context.age);
    // R9: `loadPolicy` refuses these; should one ever reach here, it must not restrict support.
    case 'cooperation-with-authorities':
    case 'cooperation-with-police':
    case 'participation-in-criminal-proceedings':
    case 'testimony':
      return true;
    default:
      return assertNever(condition.kind);
  }
}
