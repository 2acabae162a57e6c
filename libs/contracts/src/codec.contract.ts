import { z } from 'zod';
import type { Role } from './access.contract.js';

/**
 * Temporal's codec-server protocol (ADR 0015), served at `/<role>/codec/decode` and `/<role>/codec/encode`:
 * the Temporal UI and CLI post the payloads they hold and get them back opened (or sealed). A payload is
 * Temporal's `Payload` in protobuf JSON: metadata values and data in base64.
 */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const base64 = z.string().max(4_000_000).regex(BASE64, 'must be base64');

export const codecPayloadSchema = z
  .strictObject({
    metadata: z.record(z.string().min(1).max(256), base64).optional(),
    data: base64.optional(),
  })
  .meta({ id: 'CodecPayload', description: 'A Temporal payload in protobuf JSON (values in base64).' });

/**
 * No payloads is protobuf JSON's `{}` (an empty repeated field is left out): the CLI and the UI send it for an
 * Update or a signal without arguments (the case's `openedView` Update at its opening), and it is answered
 * `{"payloads": []}` — refusing it made the CLI retry until its deadline and show nothing.
 */
export const codecPayloadsSchema = z
  .strictObject({ payloads: z.array(codecPayloadSchema).max(1_000).default([]) })
  .meta({ id: 'CodecPayloads', description: 'Payloads, as Temporal’s codec-server protocol carries them.' });
export type CodecPayloads = z.infer<typeof codecPayloadsSchema>;

/**
 * Who may open Temporal's payloads through the codec server: CMM, the coordinator, which sees every section
 * of every case it may read. The payloads hold the case's process facts and never the person's data (ADR
 * 0014); still, they are a whole case at once, so no role that sees less gets them.
 */
export const CODEC_ROLES: readonly Role[] = ['cmm'];
