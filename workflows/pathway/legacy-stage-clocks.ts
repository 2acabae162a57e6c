import { ParentClosePolicy, getExternalWorkflowHandle, setHandler, startChild } from '@temporalio/workflow';
import type { CarriedPathway } from '../../libs/contracts/src/workflow.js';
import type { DeadlineKind, PathwayState, ScheduledAction } from '../../libs/domain/src/index.js';

type Stage = PathwayState['stage'];
import {
  clockRescheduled,
  clockStopped,
  clockTimerDue,
  reintegrationMonitoringWorkflow,
  residencePermitWorkflow,
  type ClockTimer,
} from '../pathway-clock.workflow.js';

/**
 * Retired (ADR 0011): stages whose timers ran in child workflows. Kept only for cases whose history predates
 * the `stage-timers-in-parent` patch: they replay through it, and on their first new workflow task the case
 * stops its running clocks and holds their timers itself. Remove with the patch once no such case runs.
 */
const STAGE_CLOCKS = [
  {
    workflow: residencePermitWorkflow,
    name: 'residence-permit',
    stage: 'permit',
    kinds: ['permit-expiry', 'permit-renewal-decision'] as readonly DeadlineKind[],
  },
  {
    workflow: reintegrationMonitoringWorkflow,
    name: 'reintegration-monitoring',
    stage: 'monitoring',
    kinds: ['check-in', 'monitoring-end'] as readonly DeadlineKind[],
  },
] as const;

export class LegacyStageClocks {
  /** Running clocks: child workflow id and the timetable last sent to it. */
  private readonly clocks: Map<string, { workflowId: string; sent: string }>;
  /** How many times each clock has been started in this case (a stage can be entered again). */
  private readonly runs: Map<string, number>;
  /** Timers the clocks reported due, for the loop to fire. */
  private readonly due: string[] = [];

  constructor(
    private readonly caseRef: string,
    carried: CarriedPathway | undefined,
    onDue: () => void,
  ) {
    this.clocks = new Map(Object.entries(carried?.clocks ?? {}));
    this.runs = new Map(Object.entries(carried?.clockRuns ?? {}));
    setHandler(
      clockTimerDue,
      ({ actionId }) => {
        this.due.push(actionId);
        onDue();
      },
      { description: 'Retired: a stage clock (child workflow) reports a timer due.' },
    );
  }

  /** Action ids reported due since the last call. */
  takeDue(): string[] {
    return this.due.splice(0);
  }

  /** Whether a running stage's clock holds this action's timer (the parent then does not). */
  owns(action: ScheduledAction, stage: Stage): boolean {
    return STAGE_CLOCKS.some((c) => c.stage === stage && c.kinds.includes(action.deadlineKind));
  }

  /** Starts, reschedules or stops the stage clocks so that they hold exactly the timers they own. */
  async sync(stage: Stage, pending: readonly ScheduledAction[]): Promise<void> {
    for (const clock of STAGE_CLOCKS) {
      const running = this.clocks.get(clock.name);
      if (stage !== clock.stage) {
        if (running) {
          this.clocks.delete(clock.name);
          await getExternalWorkflowHandle(running.workflowId).signal(clockStopped);
        }
        continue;
      }
      const timers: ClockTimer[] = pending
        .filter((a) => this.owns(a, stage) && clock.kinds.includes(a.deadlineKind))
        .map((a) => ({ id: a.id, at: a.at }));
      const key = JSON.stringify(timers);
      if (running === undefined) {
        const run = (this.runs.get(clock.name) ?? 0) + 1;
        this.runs.set(clock.name, run);
        const workflowId = `${this.caseRef}/${clock.name}/${run}`;
        await startChild(clock.workflow, {
          workflowId,
          args: [{ caseRef: this.caseRef, timers }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        this.clocks.set(clock.name, { workflowId, sent: key });
      } else if (running.sent !== key) {
        running.sent = key;
        await getExternalWorkflowHandle(running.workflowId).signal(clockRescheduled, timers);
      }
    }
  }

  /** Stops every running clock: from now on the case holds their timers. */
  async retire(): Promise<void> {
    for (const [name, running] of [...this.clocks]) {
      this.clocks.delete(name);
      await getExternalWorkflowHandle(running.workflowId).signal(clockStopped);
    }
  }

  carried(): Pick<CarriedPathway, 'clocks' | 'clockRuns'> {
    return { clocks: Object.fromEntries(this.clocks), clockRuns: Object.fromEntries(this.runs) };
  }
}
