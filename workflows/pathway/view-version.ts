import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import {
  OPENING_VIEW_VERSION,
  SearchAttributeKeys,
  viewDigestOf,
  type UnversionedCaseView,
} from '../../libs/contracts/src/workflow.js';

/** The patch that numbers a case's view and names the current number in a search attribute (ADR 0023). */
export const VIEW_VERSIONS = 'view-versions';

/**
 * A case's view, numbered (issue 14, ADR 0023): after every change the workflow code makes (never in a
 * query), `stamp` compares a digest of the view with the last one and, if it differs, takes the next number.
 * `PathwayViewVersion` names the number once `stamp` is asked to publish it: at once for a timer's change;
 * for an act's, after its events were published (an upsert is a visibility write, which an act's answer
 * must not wait for). Until then the gateway holds the act's view under a number the attribute does not name
 * yet, so reads ask the workflow. The gateway answers a view it stored under the number the attribute names
 * without asking the workflow.
 */
export class ViewVersion {
  private digest: string | undefined;
  /** The number the attribute names (0: none in this run). */
  private published = 0;

  constructor(private current: number) {}

  /**
   * A case its gateway opened with the view it built (ADR 0024): stored as number 1 and named 1 at the
   * start. The workflow's own opening keeps number 1 only if its digest is this one.
   */
  static openedAs(digest: string): ViewVersion {
    const version = new ViewVersion(OPENING_VIEW_VERSION);
    version.digest = digest;
    version.published = OPENING_VIEW_VERSION;
    return version;
  }

  /** The number of the view as last stamped (0: never). */
  get value(): number {
    return this.current;
  }

  stamp(view: UnversionedCaseView, publish: boolean): void {
    if (!patched(VIEW_VERSIONS)) return;
    const digest = viewDigestOf(view);
    if (digest !== this.digest) {
      this.digest = digest;
      this.current += 1;
    }
    if (publish && this.published !== this.current) {
      this.published = this.current;
      upsertSearchAttributes([{ key: SearchAttributeKeys.viewVersion, value: this.current }]);
    }
  }
}
