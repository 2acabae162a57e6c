import type { CaseView, SupportOfferView } from '../../../../libs/contracts/src/index.js';
import {
  AGENCY_NAMES,
  DENMARK_POLICIES,
  instant,
  isCooperationCondition,
  nextSteps,
  policyByVersion,
  supportOffersFor,
} from '../../../../libs/domain/src/index.js';

/**
 * Adds to a case what the domain derives from it for people: the support on offer now (R8: who provides
 * it; R9: none of it depends on cooperation) and what happens next at each running deadline, in words.
 * Pure derivations of the case's state under its own policy; the field filter then trims them per role.
 */
export function withSupportAndNextSteps(view: CaseView, now: Date = new Date()): CaseView {
  if (view.state.stage === 'not-started' || view.policyVersion === undefined) return view;
  const policy = policyByVersion(DENMARK_POLICIES, view.policyVersion);
  const support: SupportOfferView[] = supportOffersFor(
    { stage: view.state.stage, age: view.state.facts.age },
    policy,
  ).map((offer) => ({
    kind: offer.kind,
    rule: offer.rule,
    providers: offer.providers.map((agency) => ({ agency, name: AGENCY_NAMES[agency] })),
    dependsOnCooperation: false,
    conditions: offer.conditions.filter((c) => !isCooperationCondition(c)).map((c) => c.kind),
  }));
  return { ...view, support, nextSteps: nextSteps(view.state, policy, instant(now.getTime())) };
}
