import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { codecPayloadsSchema, type CodecPayloads } from '../../../../libs/contracts/src/index.js';
import {
  payloadFromJson,
  payloadToJson,
  type AesGcmPayloadCodec,
} from '../../../../libs/temporal/src/index.js';
import { parseOrThrow } from '../http/zod-validation.pipe.js';
import { PAYLOAD_CODEC } from '../tokens.js';

/**
 * Temporal's codec server (ADR 0015) on the gateway: the Temporal UI and CLI send the payloads they show and
 * get them opened, for a caller whose role may (the guard checks it against the matrix, and the access log
 * records every call). The body is validated like every other; a payload that does not open is refused by
 * its position, and nothing else is answered.
 */
@Injectable()
export class CodecService {
  constructor(@Inject(PAYLOAD_CODEC) private readonly codec: AesGcmPayloadCodec) {}

  async decode(body: unknown): Promise<CodecPayloads> {
    const { payloads } = parseOrThrow(codecPayloadsSchema, body);
    const opened = await Promise.all(
      payloads.map((payload, index) =>
        this.codec.decode([payloadFromJson(payload)]).then(
          (decoded) => payloadToJson(decoded[0] ?? {}),
          () => {
            throw new UnprocessableEntityException({
              code: 'PAYLOAD_NOT_OPENED',
              detail: `Payload ${index} does not open with any key this system holds.`,
              errors: [{ pointer: `/payloads/${index}`, detail: 'does not open' }],
            });
          },
        ),
      ),
    );
    return { payloads: opened.map(withoutEmptyMetadata) };
  }

  async encode(body: unknown): Promise<CodecPayloads> {
    const { payloads } = parseOrThrow(codecPayloadsSchema, body);
    const sealed = await this.codec.encode(payloads.map(payloadFromJson));
    return { payloads: sealed.map(payloadToJson).map(withoutEmptyMetadata) };
  }
}

function withoutEmptyMetadata(payload: ReturnType<typeof payloadToJson>): CodecPayloads['payloads'][number] {
  return {
    ...(payload.metadata && Object.keys(payload.metadata).length > 0 ? { metadata: payload.metadata } : {}),
    ...(payload.data === undefined ? {} : { data: payload.data }),
  };
}
