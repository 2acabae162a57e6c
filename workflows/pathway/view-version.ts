import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import { SearchAttributeKeys, type CaseView } from '../../libs/contracts/src/workflow.js';

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

  /** The number of the view as last stamped (0: never). */
  get value(): number {
    return this.current;
  }

  stamp(view: Omit<CaseView, 'version'>, publish: boolean): void {
    if (!patched(VIEW_VERSIONS)) return;
    const digest = digestOf(JSON.stringify(view));
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

/**
 * A 53-bit digest of a string (cyrb53, public domain): a change the digest would miss is about one in 2⁵³.
 * Deterministic and dependency-free, as workflow code must be; not a security measure.
 */
export function digestOf(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
