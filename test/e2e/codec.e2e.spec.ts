import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ACCESS_LOG_TOPIC, type AccessRecord, type CodecPayloads } from '../../libs/contracts/src/index.js';
import { toolPaths } from '../../libs/devstack/src/index.js';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../libs/temporal/src/index.js';
import { e2eSystem } from '../support/e2e-system.js';
import { toolsDir } from '../support/servers.js';

const run = promisify(execFile);
const UI_ORIGIN = 'http://localhost:8233';

interface RawPayload {
  readonly metadata?: Record<string, Uint8Array>;
  readonly data?: Uint8Array;
}

/**
 * Every payload of a history that the codec seals: inputs, Update arguments and answers, activity inputs
 * and results, local activities' results (ADR 0025), summaries. Not search attributes (Temporal indexes them
 * in the clear; they hold ids, stages and dates by contract), headers (the trace context, written by the
 * tracing interceptors) or the rest of a marker: the ids of `patched()` code changes, and a local activity's
 * name, number and times, which the SDK's core records in the clear.
 */
function payloadsOf(value: unknown, found: RawPayload[] = []): RawPayload[] {
  if (Array.isArray(value)) for (const item of value) payloadsOf(item, found);
  else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record['data'] instanceof Uint8Array && record['metadata'] !== undefined) {
      found.push(record);
    } else {
      for (const [key, child] of Object.entries(record)) {
        if (key === 'markerRecordedEventAttributes') {
          payloadsOf((child as { details?: Record<string, unknown> }).details?.['result'], found);
        } else if (!['searchAttributes', 'header'].includes(key)) {
          payloadsOf(child, found);
        }
      }
    }
  }
  return found;
}

const utf8 = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');

/**
 * Temporal's payloads are sealed by the project's codec (ADR 0015), and the gateway's codec server opens
 * them for the Temporal UI and CLI — with a CMM token, access-logged — and for nobody else. The real
 * Temporal CLI is the client here, as an operator would run it.
 */
describe('Temporal payload codec and codec server', () => {
  const e2e = e2eSystem('codec', {
    topics: [ACCESS_LOG_TOPIC],
    gateway: { gatewayEnv: { CODEC_CORS_ORIGINS: UI_ORIGIN } },
  });
  let raw: Client;
  let caseRef: string;

  beforeAll(async () => {
    // A client without the codec: it reads what Temporal stores.
    raw = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
    const opened = await e2e.gateway.open(e2e.tokens.cmm, 'cmm', {
      facts: { hasLegalStay: false, age: 'adult' },
    });
    caseRef = opened.caseRef;
    const interview = await e2e.gateway.act(e2e.tokens.cmm, 'cmm', caseRef, 'recordInterview', {});
    expect(interview.status, JSON.stringify(interview.body)).toBe(200);
  });

  afterAll(async () => {
    await raw?.connection.close();
  });

  it('Temporal stores only ciphertext: every payload of the history is sealed and names its key', async () => {
    const history = await raw.workflow.getHandle(caseRef).fetchHistory();
    const payloads = payloadsOf(history.events);
    expect(payloads.length).toBeGreaterThanOrEqual(6);
    const plain = payloads.filter((p) => utf8(p.metadata?.['encoding']) !== ENCRYPTED_ENCODING);
    expect(plain).toEqual([]);
    expect(new Set(payloads.map((p) => utf8(p.metadata?.[KEY_ID_METADATA])))).toEqual(
      new Set([expect.stringMatching(/^pk-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$/)]),
    );
    // Facts that are in the workflow's input and the interview's Update do not appear in the clear.
    const bytes = Buffer.concat(payloads.map((p) => Buffer.from(p.data ?? [])));
    expect(bytes.includes('hasLegalStay')).toBe(false);
    expect(bytes.includes('interview-recorded')).toBe(false);
  });

  /** `temporal workflow show` of the case through the codec server, as an operator runs it. */
  const show = (auth: string[]): Promise<{ ok: boolean; out: string }> =>
    run(toolPaths(toolsDir).temporalCli, [
      'workflow',
      'show',
      '--workflow-id',
      caseRef,
      '--address',
      inject('temporalAddress'),
      '--codec-endpoint',
      `${e2e.gateway.baseUrl}/cmm/codec`,
      ...auth,
      '--detailed',
    ]).then(
      ({ stdout }) => ({ ok: true, out: stdout }),
      (error: unknown) => {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        return { ok: false, out: `${stdout}${stderr}` };
      },
    );

  it('the Temporal CLI shows the history decoded through the codec server with a CMM token', async () => {
    const shown = await show(['--codec-auth', `Bearer ${e2e.tokens.cmm}`]);
    expect(shown.ok, shown.out).toBe(true);
    expect(shown.out).toContain('hasLegalStay');
    expect(shown.out).not.toContain(ENCRYPTED_ENCODING);
  });

  it('without a token, or with a role that may not, the CLI gets nothing decoded', async () => {
    for (const attempt of [await show([]), await show(['--codec-auth', `Bearer ${e2e.tokens.dis}`])]) {
      expect(attempt.ok).toBe(false);
      expect(attempt.out).not.toContain('hasLegalStay');
    }
    // Over HTTP: 401 without a token, 403 for a role the matrix does not give the codec, 403 on its own gateway.
    const body = { payloads: [] };
    expect((await e2e.gateway.call('POST', '/cmm/codec/decode', { body })).status).toBe(401);
    const dis = await e2e.gateway.call<{ code: string }>('POST', '/dis/codec/decode', {
      token: e2e.tokens.dis,
      body,
    });
    expect([dis.status, dis.body.code]).toEqual([403, 'OPERATION_NOT_PERMITTED']);
    const auditor = await e2e.gateway.token('auditor', 'auditor');
    const audited = await e2e.gateway.call<{ code: string }>('POST', '/auditor/codec/decode', {
      token: auditor,
      body,
    });
    expect([audited.status, audited.body.code]).toEqual([403, 'OPERATION_NOT_PERMITTED']);
  });

  it('encode and decode are inverse; bad input is refused by field and a foreign ciphertext does not open', async () => {
    const plain = {
      payloads: [
        {
          metadata: { encoding: Buffer.from('json/plain').toString('base64') },
          data: Buffer.from('"signal argument"').toString('base64'),
        },
      ],
    };
    const sealed = await e2e.gateway.call<CodecPayloads>('POST', '/cmm/codec/encode', {
      token: e2e.tokens.cmm,
      body: plain,
    });
    expect(sealed.status).toBe(200);
    expect(utf8(Buffer.from(sealed.body.payloads[0]!.metadata!['encoding']!, 'base64'))).toBe(
      ENCRYPTED_ENCODING,
    );
    const opened = await e2e.gateway.call<CodecPayloads>('POST', '/cmm/codec/decode', {
      token: e2e.tokens.cmm,
      body: sealed.body,
    });
    expect(opened.body).toEqual(plain);
    // A payload that is not the codec's passes through unchanged (histories from before the codec).
    const passed = await e2e.gateway.call('POST', '/cmm/codec/decode', {
      token: e2e.tokens.cmm,
      body: plain,
    });
    expect(passed.body).toEqual(plain);
    // No payloads is protobuf JSON's `{}` (an Update without arguments): the CLI sends it, and gets none back.
    const none = await e2e.gateway.call('POST', '/cmm/codec/decode', { token: e2e.tokens.cmm, body: {} });
    expect([none.status, none.body]).toEqual([200, { payloads: [] }]);

    const bad = await e2e.gateway.call<{ code: string; errors: { pointer: string }[] }>(
      'POST',
      '/cmm/codec/decode',
      { token: e2e.tokens.cmm, body: { payloads: [{ data: 'not base64!' }], extra: 1 } },
    );
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(bad.body.errors.map((e) => e.pointer).sort()).toEqual(['/', '/payloads/0/data']);

    const tampered = structuredClone(sealed.body);
    const data = Buffer.from(tampered.payloads[0]!.data!, 'base64');
    data[data.length - 1]! ^= 1;
    (tampered.payloads[0] as { data: string }).data = data.toString('base64');
    const refused = await e2e.gateway.call<{ code: string }>('POST', '/cmm/codec/decode', {
      token: e2e.tokens.cmm,
      body: tampered,
    });
    expect([refused.status, refused.body.code]).toEqual([422, 'PAYLOAD_NOT_OPENED']);
  });

  it('every codec call is an access record; the Temporal UI’s origin may call it from the browser, others not', async () => {
    const codecRecords = (messages: readonly { topic: string; event: unknown }[]) =>
      messages
        .filter((m) => m.topic === ACCESS_LOG_TOPIC)
        .map((m) => (m.event as AccessRecord).data)
        .filter((d) => d.operation === 'decodePayloads' || d.operation === 'encodePayloads');
    const operations = codecRecords(
      await e2e.reader.waitFor((messages) => codecRecords(messages).length >= 6),
    );
    expect(
      operations.some((d) => d.operation === 'decodePayloads' && d.role === 'cmm' && d.status === 200),
    ).toBe(true);
    expect(operations.some((d) => d.outcome === 'denied')).toBe(true);

    const preflight = (origin: string) =>
      fetch(`${e2e.gateway.baseUrl}/cmm/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const ui = await preflight(UI_ORIGIN);
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(ui.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ui.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // The rest of the gateway answers no cross-origin call, even from the UI's origin.
    const elsewhere = await fetch(`${e2e.gateway.baseUrl}/cmm/cases`, {
      method: 'OPTIONS',
      headers: { origin: UI_ORIGIN, 'access-control-request-method': 'GET' },
    });
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });
});
