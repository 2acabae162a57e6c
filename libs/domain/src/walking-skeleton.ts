/**
 * The foundation's thin slice of the pathway: just enough rules to prove the wiring end to end (open a
 * case, route identification, run the 30-day reflection period). The full rule set replaces this.
 */

export type FirstEncounter = 'police' | 'dis' | 'cmm' | 'ngo';
export type IdentifyingAuthority = 'dis' | 'cmm' | 'court';

export interface IntakeFacts {
  readonly referredBy: FirstEncounter;
  readonly hasLegalStay: boolean;
  readonly isDefendantInCriminalCase: boolean;
}

/** R1: the competent authority depends on the status at the time of identification. */
export function identifyingAuthority(facts: IntakeFacts): IdentifyingAuthority {
  if (facts.isDefendantInCriminalCase) return 'court';
  return facts.hasLegalStay ? 'cmm' : 'dis';
}

export const DAY_MS = 86_400_000;

/** R4: 30 days of reflection from the identification decision. */
export const REFLECTION_PERIOD_DAYS = 30;

export function reflectionPeriodEnd(startMs: number): number {
  return startMs + REFLECTION_PERIOD_DAYS * DAY_MS;
}
