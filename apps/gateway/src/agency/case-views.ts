import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CaseView, PathwayCases } from '../../../../libs/contracts/src/index.js';
import type { CaseViewStore } from '../../../../libs/read-model/src/index.js';
import { CASE_VIEW_STORE, PATHWAY_CASES } from '../tokens.js';

/** Where a case view came from: the stored one (its version current), or the workflow (a query). */
export type ViewSource = 'stored' | 'workflow';

/**
 * A case's current view, cheap for every case (ADR 0023, issue 14). A query of a case out of the worker's
 * cache replays its history (tens of ms, growing with the caseload); instead the gateway keeps the last view
 * each case answered with, numbered by the workflow, and asks the case's own record (`describe`, served by
 * Temporal without a worker) which number is current. The same number: the stored view is the case as it is
 * now. Another one, none stored, or the database out of reach: the workflow answers, and its view is stored.
 */
@Injectable()
export class CaseViews {
  private readonly logger = new Logger('CaseViews');
  private readonly observers: Array<(source: ViewSource) => void> = [];

  constructor(
    @Inject(PATHWAY_CASES) private readonly cases: PathwayCases,
    @Inject(CASE_VIEW_STORE) private readonly store: CaseViewStore,
  ) {}

  /** The case as it is now; the port's errors (unknown case, Temporal unavailable) as they are. */
  async current(caseRef: string): Promise<CaseView> {
    const [version, stored] = await Promise.all([
      this.cases.viewVersion(caseRef),
      this.store.get(caseRef).catch(() => undefined),
    ]);
    if (version !== undefined && stored?.version === version) {
      this.notify('stored');
      return stored.view;
    }
    const view = await this.cases.view(caseRef);
    this.notify('workflow');
    this.remember(view);
    return view;
  }

  /**
   * Keeps a view the workflow answered a query with, for the next read. Not awaited: the number it holds is
   * the one the case names, and losing it costs only another query.
   */
  remember(view: CaseView): void {
    void this.keep(view);
  }

  /**
   * Keeps an act's or a grant's view before the request is answered (an opening's: `keepOpening`). The
   * case's `PathwayViewVersion` names the act's number only once its events are published; until then it
   * still names the number before the act, and a read must not find the view from before under it. So the
   * view is stored first: the database's failure is only logged (the act happened), and ADR 0023 says what a
   * read may then see.
   */
  async keep(view: CaseView): Promise<void> {
    if (view.version === undefined) return;
    await this.store.put(view).catch(async (error: unknown) => {
      this.logger.warn(
        `a case view was not stored (${error instanceof Error ? error.name : 'error'}); its next read asks the workflow`,
      );
      // The view from before the act must not be found under the number the attribute still names.
      await this.store.forget(view.caseRef).catch(() => undefined);
    });
  }

  /**
   * Stores an opening's view while its start is under way (ADR 0026), and settles it once the start has
   * answered: `settle(true)` when this start opened the case (the view stays, stored before the answer as
   * before); `settle(false)` otherwise (a start refused or lost, or the case opened before by the same
   * Idempotency-Key): a view this call stored is dropped, and the case's own is left as it was. A read finds a
   * stored view only under the number the case's record names, so a view left behind for a case that never
   * started is never served; it is dropped all the same.
   */
  keepOpening(view: CaseView): { settle(opened: boolean): Promise<void> } {
    const stored = this.store.put(view).catch((error: unknown) => {
      this.logger.warn(
        `an opening's view was not stored (${error instanceof Error ? error.name : 'error'}); its next read asks the workflow`,
      );
      return false;
    });
    return {
      settle: async (opened) => {
        if (!(await stored) || opened) return;
        await this.store.forgetVersion(view.caseRef, view.version ?? 0).catch((error: unknown) => {
          this.logger.warn(
            `an opening's view was not dropped (${error instanceof Error ? error.name : 'error'})`,
          );
        });
      },
    };
  }

  /** Calls `observer` with the source of every view read (the gateway's metrics). */
  observe(observer: (source: ViewSource) => void): void {
    this.observers.push(observer);
  }

  private notify(source: ViewSource): void {
    for (const observer of this.observers) observer(source);
  }
}
