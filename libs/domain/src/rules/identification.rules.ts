import type { Actor, AgencyId } from '../agency.js';
import type { IntakeFacts } from '../model/pathway.commands.js';
import { OK, refuse, type Check } from '../model/pathway.refusals.js';
import type { InterviewRecord } from '../model/pathway.state.js';
import type { Policy } from '../policy/policy.types.js';
import { competentAuthority, type StatusFacts } from './competent-authority.rules.js';

// R2: identification interviews are held by CMM social workers or a contracted NGO. They are evidence.
export function checkInterviewer(actor: Actor, policy: Policy): Check {
  if ((policy.identification.interviewers as readonly Actor[]).includes(actor)) return OK;
  return refuse(
    'ACTOR_NOT_PERMITTED',
    `identification interviews are held by ${policy.identification.interviewers.join(' or ')}`,
    'R2',
  );
}

/**
 * R2/R3: the case is ready for the competent authority's decision: at least one interview when the policy
 * requires it, and — for a case flagged by asylum screening — the assessor's (CMM's) assessment interview.
 */
export function checkReadyForDecision(
  interviews: readonly InterviewRecord[],
  fromAsylumScreening: boolean,
  policy: Policy,
): Check {
  if (policy.identification.interviewRequired && interviews.length === 0) {
    return refuse('INTERVIEW_REQUIRED', 'at least one identification interview is required', 'R2');
  }
  // R3: DIS screens in the asylum interview and asks CMM to assess before anyone decides.
  const assessor = policy.identification.asylumAssessor;
  if (fromAsylumScreening && !interviews.some((i) => i.by === assessor)) {
    return refuse('ASSESSMENT_REQUIRED', `a case from asylum screening needs ${assessor}'s assessment`, 'R3');
  }
  return OK;
}

// R1/R2: only the authority competent for the status *now* decides; an interviewer (e.g. an NGO) never does.
export function checkIdentificationDecider(actor: Actor, facts: StatusFacts, policy: Policy): Check {
  const authority = competentAuthority(facts, policy);
  if (facts.isDefendant) {
    return refuse(
      'WRONG_AUTHORITY',
      `${authority} is competent for a defendant and grants status in the criminal case (courtGrantsStatus)`,
      'R1',
    );
  }
  if (actor !== authority) {
    // R1 names who decides, and why; an interviewer who is no identifying authority is told R2 as well.
    const status = facts.hasLegalStay
      ? 'the person has legal stay'
      : facts.siriResponsible
        ? 'the person has no legal stay and the case is one SIRI identifies'
        : 'the person has no legal stay';
    const interviewerOnly =
      policy.identification.interviewers.includes(actor as AgencyId) &&
      !isIdentifyingAuthority(actor, policy);
    return refuse(
      'WRONG_AUTHORITY',
      `${authority} is the competent authority: ${status}${interviewerOnly ? '; an interview is evidence only' : ''}`,
      interviewerOnly ? 'R2' : 'R1',
      { competentAuthority: authority },
    );
  }
  return OK;
}

/** R1: the bodies that identify for some status under this policy (an interviewer may be one too: CMM). */
function isIdentifyingAuthority(actor: Actor, policy: Policy): boolean {
  const { noLegalStay, noLegalStayAlternative, legalStay, defendant } = policy.identification;
  return ([noLegalStay, noLegalStayAlternative, legalStay, defendant] as readonly Actor[]).includes(actor);
}

// R1: a court grants victim status only to a defendant in a criminal case.
export function checkCourtGrant(actor: Actor, facts: StatusFacts, policy: Policy): Check {
  if (actor !== policy.identification.defendant) {
    return refuse(
      'WRONG_AUTHORITY',
      `only ${policy.identification.defendant} grants status to a defendant`,
      'R1',
    );
  }
  if (!facts.isDefendant) {
    return refuse('WRONG_AUTHORITY', 'the person is not a defendant; the court is not competent', 'R1');
  }
  return OK;
}

/**
 * R3: who may open a case from asylum screening: DIS in the asylum interview; the Red Cross for
 * unaccompanied minors (an unverified age counts as a minor, R17).
 */
export function checkAsylumScreening(actor: Actor, facts: IntakeFacts, policy: Policy): Check {
  const screening = policy.identification;
  if ((screening.asylumScreeners as readonly Actor[]).includes(actor)) return OK;
  const unaccompaniedMinor = facts.age !== 'adult' && facts.unaccompanied === true;
  if (actor === screening.unaccompaniedMinorScreener && unaccompaniedMinor) return OK;
  return refuse(
    'ACTOR_NOT_PERMITTED',
    `asylum screening is done by ${screening.asylumScreeners.join(' or ')}; ${screening.unaccompaniedMinorScreener} screens unaccompanied minors`,
    'R3',
  );
}
