import { currentUpdateInfo } from '@temporalio/workflow';
import type { ActEnvelope, CarriedPathway, IdempotencyRecord } from '../../libs/contracts/src/workflow.js';

const IDEMPOTENCY_KEYS_KEPT = 500;

/**
 * The Idempotency-Keys this case has taken, each bound to the request it was first used for, kept across
 * continue-as-new (Temporal deduplicates Update ids within one run only). Cases opened before keys were
 * bound used the raw key as the Update id: those ids are still honoured for them.
 */
export class IdempotencyKeys {
  private readonly keys: Map<string, IdempotencyRecord>;
  private readonly legacyUpdateIds: readonly string[];

  constructor(carried: CarriedPathway | undefined, opening: IdempotencyRecord | undefined) {
    this.keys = new Map(
      [...(carried?.idempotencyKeys ?? []), ...(opening ? [opening] : [])].map((record) => [
        record.key,
        record,
      ]),
    );
    this.legacyUpdateIds = carried?.appliedUpdateIds ?? [];
  }

  get(key: string): IdempotencyRecord | undefined {
    return this.keys.get(key);
  }

  /** The record of this request's key when the key was taken before (by this request or another). */
  held(args: ActEnvelope): IdempotencyRecord | undefined {
    return args.idempotency === undefined ? undefined : this.keys.get(args.idempotency.key);
  }

  remember(record: IdempotencyRecord): void {
    this.keys.set(record.key, record);
    for (const key of this.keys.keys()) {
      if (this.keys.size <= IDEMPOTENCY_KEYS_KEPT) break;
      this.keys.delete(key);
    }
  }

  /** A retried request of a case from before bound keys: answered with the current state, applied once. */
  isLegacyReplay(): boolean {
    const id = currentUpdateInfo()?.id;
    return id !== undefined && this.legacyUpdateIds.includes(id);
  }

  carried(): Pick<CarriedPathway, 'appliedUpdateIds' | 'idempotencyKeys'> {
    return {
      ...(this.legacyUpdateIds.length > 0 ? { appliedUpdateIds: this.legacyUpdateIds } : {}),
      idempotencyKeys: [...this.keys.values()],
    };
  }
}
