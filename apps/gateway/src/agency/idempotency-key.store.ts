import {
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnprocessableEntityException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { IdempotencyRecord } from '../../../../libs/contracts/src/index.js';
import type { Pool } from '../../../../libs/database/src/index.js';
import { DATABASE } from '../tokens.js';

/** How long a key stays bound to its first request. */
export const IDEMPOTENCY_KEY_RETENTION_DAYS = 30;
const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Every Idempotency-Key the gateways have seen, across cases, for 30 days: a key is bound to the first request
 * it came with (its organisation, operation, case and body, as digests). The same request again passes (the
 * case answers it as a replay); any other request under the key is refused before it reaches a case — also
 * on another case, which the case alone could not see.
 */
@Injectable()
export class IdempotencyKeyStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private purging: NodeJS.Timeout | undefined;

  constructor(@Inject(DATABASE) private readonly pool: Pool) {}

  /**
   * Binds the key to this request (`bound`), or checks that it is the request the key is bound to (`again`;
   * 422 if it is another).
   */
  async claim(record: IdempotencyRecord): Promise<'bound' | 'again'> {
    let bound: string | undefined;
    let fresh: boolean;
    try {
      const { rows } = await this.pool.query<{ fingerprint: string; fresh: boolean }>(
        `with inserted as (
           insert into idempotency_keys (key, fingerprint) values ($1, $2)
           on conflict (key) do nothing returning fingerprint
         )
         select fingerprint, true as fresh from inserted
         union all
         select fingerprint, false as fresh from idempotency_keys
          where key = $1 and not exists (select 1 from inserted)`,
        [record.key, record.fingerprint],
      );
      bound = rows[0]?.fingerprint;
      fresh = rows[0]?.fresh === true;
    } catch {
      throw new ServiceUnavailableException({
        code: 'SERVICE_UNAVAILABLE',
        detail:
          'Idempotency-Keys cannot be checked right now; nothing was done. Try again with the same key.',
      });
    }
    if (bound !== undefined && bound !== record.fingerprint) {
      throw new UnprocessableEntityException({
        code: 'IDEMPOTENCY_KEY_REUSED',
        detail: 'This Idempotency-Key was already used for another request; a new request needs a new key.',
      });
    }
    return fresh ? 'bound' : 'again';
  }

  /**
   * Lets go of a key this request bound, when the request turned out to have no case to act on (best effort:
   * a key left bound only refuses another request under the same key, for its retention period).
   */
  async release(record: IdempotencyRecord): Promise<void> {
    await this.pool
      .query(`delete from idempotency_keys where key = $1 and fingerprint = $2`, [
        record.key,
        record.fingerprint,
      ])
      .catch(() => undefined);
  }

  onApplicationBootstrap(): void {
    const purge = (): void => {
      this.pool
        .query(`delete from idempotency_keys where first_used_at < now() - make_interval(days => $1)`, [
          IDEMPOTENCY_KEY_RETENTION_DAYS,
        ])
        .catch(() => undefined);
    };
    purge();
    this.purging = setInterval(purge, PURGE_EVERY_MS);
    this.purging.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purging);
  }
}
