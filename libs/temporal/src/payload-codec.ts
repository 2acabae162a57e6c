import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { open, seal, type PayloadKeys } from '../../personal-data/src/index.js';

const { temporal } = proto;

/** The `encoding` of a sealed payload, and the metadata key naming the key that sealed it. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const utf8 = (value: string): Uint8Array => Buffer.from(value, 'utf8');
const text = (value: Uint8Array | null | undefined): string | undefined =>
  value === undefined || value === null ? undefined : Buffer.from(value).toString('utf8');

/** Sealed payloads are bound to their key id (authenticated data): a key id swapped in metadata fails. */
const contextOf = (keyId: string): string => `temporal-payload|${keyId}`;

/**
 * Temporal's payload codec (ADR 0015): every payload the worker or the gateway sends to Temporal (a case's
 * start arguments, Updates, their answers, query answers, activity inputs, memos, failures' details) is
 * sealed with AES-256-GCM under the current payload key, whose id travels in the payload's metadata — what
 * Temporal stores, copies into continued-as-new runs and shows in its UI is ciphertext. Payloads stored
 * before the codec was on (old histories) pass through unchanged, so running cases and replays go on.
 * Search attributes are not payloads: they are indexed in the clear and hold no personal data by contract.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeys) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys.current;
    return Promise.resolve(
      payloads.map((payload) => ({
        metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) },
        data: seal(key, Buffer.from(temporal.api.common.v1.Payload.encode(payload).finish()), contextOf(id)),
      })),
    );
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (payload) => {
        if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
        const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
        if (keyId === undefined || payload.data === undefined || payload.data === null) {
          throw new Error('an encrypted payload without its key id or data');
        }
        const plain = open(await this.keys.key(keyId), Buffer.from(payload.data), contextOf(keyId));
        return temporal.api.common.v1.Payload.decode(plain);
      }),
    );
  }
}

/** A payload as Temporal's codec-server protocol carries it in JSON: metadata values and data in base64. */
export interface JsonPayload {
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  readonly data?: string | undefined;
}

export function payloadFromJson(json: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(json.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    ...(json.data === undefined ? {} : { data: Buffer.from(json.data, 'base64') }),
  };
}

export function payloadToJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value).toString('base64'),
      ]),
    ),
    ...(payload.data === undefined || payload.data === null
      ? {}
      : { data: Buffer.from(payload.data).toString('base64') }),
  };
}
