import { condition } from '@temporalio/workflow';

/**
 * The pathway's one wake-up, in the spirit of Temporal's updatable-timer sample: the loop sleeps until the
 * next timer of the schedule or until something changed — an act applied, an event queued, a stage clock's
 * signal — whichever comes first. Whatever changes the case calls `notify()`; the loop then recomputes the
 * schedule, so an extension or a renewal moves the timer without a timer of its own.
 */
export class WakeUp {
  private version = 0;

  notify(): void {
    this.version += 1;
  }

  /**
   * Sleeps until `at` (epoch ms) or a change notified after this call, or while `pending()` holds (work
   * queued meanwhile, e.g. by an Update during an await). True when woken, false when `at` came.
   */
  async sleep(at: number | undefined, pending: () => boolean): Promise<boolean> {
    const seen = this.version;
    const woken = (): boolean => this.version !== seen || pending();
    if (at === undefined) {
      await condition(woken);
      return true;
    }
    return condition(woken, Math.max(1, at - Date.now()));
  }
}
