/**
 * Test support (not exported from the library): a given/when/then scenario over `decide` + `evolve`.
 *
 *   const given = scenario(DENMARK_2013).refer().identify();      // given: a history
 *   const decision = given.after(10).try(requestExtension(...));   // when: a command at an instant
 *   expect(decision).toMatchObject({ ok: false, code: '…' });      // then: events or a refusal
 */
import type { Actor } from '../agency.js';
import { competentAuthority } from '../rules/competent-authority.rules.js';
import type { Decision } from '../pathway/pathway.decision.js';
import { decide } from '../pathway/pathway.decide.js';
import type { IntakeFacts, PathwayCommand } from '../model/pathway.commands.js';
import type { PathwayEvent } from '../model/pathway.events.js';
import { evolve } from '../pathway/pathway.evolve.js';
import { act } from '../pathway/pathway.runtime.js';
import { initialState, type CaseState, type PathwayState } from '../model/pathway.state.js';
import type { Policy } from '../policy/policy.types.js';
import { addDays, instant, type Instant } from '../time.js';

export const T0: Instant = instant('2024-01-01T00:00:00.000Z');
export const CASE_REF = 'PW-7K2M9Q4X1D3F';

export const ADULT_WITHOUT_STAY: IntakeFacts = { hasLegalStay: false, isDefendant: false, age: 'adult' };

export class Scenario {
  readonly events: PathwayEvent[] = [];

  constructor(
    readonly policy: Policy,
    public state: PathwayState = initialState(),
    public now: Instant = T0,
  ) {}

  /** The open case (throws if the scenario has not referred one). */
  get case(): CaseState {
    if (this.state.stage === 'not-started') throw new Error('no case referred yet');
    return this.state;
  }

  /** Moves the clock to an instant. */
  at(now: Instant): this {
    this.now = now;
    return this;
  }

  /** Moves the clock forward by whole days. */
  after(days: number): this {
    this.now = addDays(this.now, days);
    return this;
  }

  /** When: decides a command at `now` without applying it. */
  try(command: PathwayCommand, policy: Policy = this.policy): Decision {
    return decide(command, this.state, this.now, policy);
  }

  /** Given: decides and applies a command, as the workflow does; a refusal fails the test setup loudly. */
  do(command: PathwayCommand): this {
    const { decision, state } = act(this.state, command, this.now, this.policy);
    if (!decision.ok)
      throw new Error(`given step ${command.type} refused: ${decision.code} ${decision.reason}`);
    this.events.push(...decision.events);
    this.state = state;
    return this;
  }

  apply(event: PathwayEvent): this {
    this.events.push(event);
    this.state = evolve(this.state, event);
    return this;
  }

  refer(facts: IntakeFacts = ADULT_WITHOUT_STAY, by: Actor = 'police'): this {
    return this.do({ type: 'referCase', by, caseRef: CASE_REF, channel: 'first-encounter', facts });
  }

  interview(by: Actor = 'cmm'): this {
    return this.do({ type: 'recordInterview', by });
  }

  submit(by: Actor = 'cmm'): this {
    return this.do({ type: 'submitForIdentification', by });
  }

  /** Interview, submit and a positive decision by the competent authority: the period starts now. */
  identify(): this {
    this.interview().submit();
    return this.do({
      type: 'decideIdentification',
      by: competentAuthority(this.case.facts, this.policy),
      outcome: 'identified',
    });
  }

  confirmAvr(): this {
    return this.do({ type: 'confirmAvrCooperation', by: 'iom' }).do({ type: 'draftAvrPlan', by: 'iom' });
  }

  /** From a reflection period: police apply, DIS grants; the first term starts now. */
  grantPermit(): this {
    return this.do({ type: 'applyForPermit', by: 'police', victimCooperatesWithPolice: true }).do({
      type: 'decidePermit',
      by: 'dis',
      outcome: 'granted',
    });
  }

  /** From a reflection period with AVR confirmed: depart now, arrive now; monitoring starts. */
  returnHome(): this {
    return this.do({ type: 'recordDeparture', by: 'iom' }).do({ type: 'recordArrival', by: 'iom' });
  }

  /** Events emitted by the last `do` after the given index (handy for then-assertions). */
  eventsSince(index: number): readonly PathwayEvent[] {
    return this.events.slice(index);
  }
}

export function scenario(policy: Policy, now: Instant = T0): Scenario {
  return new Scenario(policy, initialState(), now);
}

/** The event types of a decision, for compact then-assertions. */
export function eventTypes(decision: Decision): readonly string[] {
  return decision.ok ? decision.events.map((e) => e.type) : [`refused:${decision.code}`];
}
