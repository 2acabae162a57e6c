import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { SearchAttributeKeys } from '../../libs/contracts/src/workflow.js';
import { currentDeadlines, toEpochMs, type PathwayState, type Policy } from '../../libs/domain/src/index.js';

/**
 * What operators see of a case without opening it — never personal data (these are not encrypted):
 * the search attributes caseload listings filter by (stage, next deadline, responsible agency), and the
 * current details Temporal's Web UI shows on the workflow's page (stage, next deadline, who must act).
 */
export class CaseVisibility {
  private lastAttributes = '';

  update(state: PathwayState, policy: Policy): void {
    if (state.stage === 'not-started') return;
    const deadlines = currentDeadlines(state, policy);
    const first = [...deadlines].sort((a, b) => toEpochMs(a.dueAt) - toEpochMs(b.dueAt))[0];
    setCurrentDetails(
      [
        `**Stage:** ${state.stage}`,
        first
          ? `**Next deadline:** ${first.kind} on ${first.dueAt} — ${first.responsible} must act (${first.rule})`
          : '**Next deadline:** none',
        `**Running deadlines:** ${deadlines.length} · **Policy:** ${state.policyVersion}`,
      ].join('\n\n'),
    );
    const attributes = [
      { key: SearchAttributeKeys.stage, value: state.stage },
      { key: SearchAttributeKeys.responsibleAgency, value: first ? first.responsible : null },
      { key: SearchAttributeKeys.nextDeadline, value: first ? new Date(first.dueAt) : null },
    ];
    const key = JSON.stringify(attributes);
    if (key === this.lastAttributes) return;
    this.lastAttributes = key;
    upsertSearchAttributes(attributes);
  }
}
