import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import type { CloudEvent } from '../../libs/contracts/src/index.js';

/** The committed AsyncAPI document (`npm run asyncapi` regenerates it). */
export const ASYNCAPI_FILE = new URL('../../docs/asyncapi.yaml', import.meta.url);

/** The committed document, parsed. */
export function loadCommittedAsyncApi(): unknown {
  return parse(readFileSync(ASYNCAPI_FILE, 'utf8'));
}

interface MessageValidator {
  readonly id: string;
  /** The CloudEvents `type` the message's payload fixes (`properties.type.const`), if it fixes one. */
  readonly type: string | undefined;
  readonly validate: ValidateFunction;
}

let channels: Map<string, readonly MessageValidator[]> | undefined;

/**
 * Asserts that `event`, as delivered to `topic`, is one of the messages the committed `docs/asyncapi.yaml`
 * lists for that topic's channel: some message's payload schema must accept it. Throws an Error naming the
 * topic, the candidate messages and the failing paths and rules, never the event's values.
 *
 * Used on every delivery the workflow tests record, and by the end-to-end tests on events read from Kafka.
 */
export function assertMatchesAsyncApi(topic: string, event: CloudEvent): void {
  channels ??= compileChannels(loadCommittedAsyncApi());
  const messages = channels.get(topic);
  if (messages === undefined) throw new Error(`docs/asyncapi.yaml has no channel with address ${topic}`);
  const eventType: unknown = (event as { type?: unknown }).type;
  const candidates = messages.filter((m) => m.type === undefined || m.type === eventType);
  if (candidates.length === 0) {
    const shown =
      typeof eventType === 'string' && /^dk\.pathway\.[a-z0-9-]+\.v\d+$/.test(eventType)
        ? eventType
        : '(not a pathway event type)';
    throw new Error(`the channel for ${topic} in docs/asyncapi.yaml lists no message of type ${shown}`);
  }
  const failures: string[] = [];
  for (const message of candidates) {
    if (message.validate(event)) return;
    failures.push(`${message.id}: ${describe(message.validate.errors ?? [])}`);
  }
  throw new Error(
    `event ${safeId(event)} on ${topic} matches no message of its channel in docs/asyncapi.yaml (run npm run asyncapi if the contract changed): ${failures.join(' | ')}`,
  );
}

/** The event id is `<caseRef>/<step>`, pseudonymous by construction; anything else is not shown. */
function safeId(event: CloudEvent): string {
  const id: unknown = (event as { id?: unknown }).id;
  return typeof id === 'string' && /^PW-[0-9A-Z]{12}\/[\w/:.-]+$/.test(id) ? id : '(id not shown)';
}

/** Paths and broken rules only: ajv's messages name the schema's constraint, not the data. */
function describe(errors: readonly ErrorObject[]): string {
  return errors
    .map((error) => {
      const property =
        error.keyword === 'additionalProperties'
          ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
          : '';
      return `${error.instancePath === '' ? '/' : error.instancePath} ${error.message ?? 'is invalid'}${property}`;
    })
    .join('; ');
}

type Node = unknown;

function compileChannels(document: Node): Map<string, readonly MessageValidator[]> {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const compiled = new Map<string, MessageValidator>();
  const result = new Map<string, readonly MessageValidator[]>();
  const channelEntries = Object.values(objectAt(document, ['channels']));
  for (const channel of channelEntries) {
    const address = (channel as { address?: unknown }).address;
    if (typeof address !== 'string') throw new Error('docs/asyncapi.yaml: a channel has no address');
    const validators: MessageValidator[] = [];
    for (const messageRef of Object.values(objectAt(channel, ['messages']))) {
      const ref = (messageRef as { $ref?: unknown }).$ref;
      const id = typeof ref === 'string' ? ref : JSON.stringify(messageRef);
      let validator = compiled.get(id);
      if (validator === undefined) {
        const message = inline(messageRef, document, 0) as { name?: unknown; payload?: unknown };
        const payload = message.payload as { properties?: { type?: { const?: unknown } } } | undefined;
        if (payload === undefined) throw new Error(`docs/asyncapi.yaml: message ${id} has no payload`);
        const type = payload.properties?.type?.const;
        validator = {
          id: typeof message.name === 'string' ? message.name : id,
          type: typeof type === 'string' ? type : undefined,
          validate: ajv.compile(payload as object),
        };
        compiled.set(id, validator);
      }
      validators.push(validator);
    }
    result.set(address, validators);
  }
  return result;
}

function objectAt(node: Node, path: readonly string[]): Record<string, unknown> {
  let current = node;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !(key in current)) {
      throw new Error(`docs/asyncapi.yaml: nothing at ${path.join('/')}`);
    }
    current = (current as Record<string, unknown>)[key];
  }
  if (typeof current !== 'object' || current === null) {
    throw new Error(`docs/asyncapi.yaml: ${path.join('/')} is not an object`);
  }
  return current as Record<string, unknown>;
}

/** Replaces every local `$ref` (`#/…`) by what it points at; the document has no cycles. */
function inline(node: Node, root: Node, depth: number): Node {
  if (depth > 32) throw new Error('docs/asyncapi.yaml: $ref chain too deep');
  if (Array.isArray(node)) return node.map((item) => inline(item, root, depth));
  if (typeof node !== 'object' || node === null) return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    if (!ref.startsWith('#/'))
      throw new Error(`docs/asyncapi.yaml: only local references are supported (${ref})`);
    const path = ref
      .slice(2)
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
    return inline(objectAt(root, path), root, depth + 1);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inline(value, root, depth)]));
}
