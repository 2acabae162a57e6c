import { z } from 'zod';
import { AGENCY_IDS, type AgencyId } from '../../domain/src/index.js';
import { CASE_REF_PATTERN } from '../../domain/src/index.js';
import {
  DENMARK_POLICIES,
  PATHWAY_EVENT_TYPES,
  possibleRecipientsOf,
  possibleReminderRecipients,
  type PathwayEventType,
} from '../../domain/src/index.js';
import {
  eventDataSchemaFor,
  restrictionOf,
  withheldFields,
  type EventAudience,
} from './event-payloads.contract.js';
import {
  EVENT_SOURCE,
  REMINDER_EVENT_TYPE,
  ACCESS_CHANGED_TYPE,
  accessChangedDataSchema,
  cloudEventSchema,
  cloudEventTypeOf,
  reminderDataSchema,
} from './events.contract.js';
import { ACCESS_LOG_TOPIC, ACCESS_RECORD_TYPE, accessRecordSchema } from './access-log.contract.js';
import { AUDIT_TOPIC, agencyTopic } from './topics.contract.js';
import {
  PERSON_ERASED_TYPE,
  PERSON_RECORD_CHANGED_TYPE,
  personErasedDataSchema,
  personRecordChangedDataSchema,
} from './person.contract.js';

/**
 * The AsyncAPI 3.0.0 description of the Kafka topics, generated from the topics and the event contracts
 * (`npm run asyncapi` writes `docs/asyncapi.yaml`; a unit test keeps the committed file in step).
 *
 * A message is one event type as one kind of topic receives it: `CaseReferred` in full (its readers' topics
 * and the audit stream) and `CaseReferredMinimised` without the withheld fields (every other agency's topic).
 * Each channel lists exactly the messages its topic can carry — derived from the domain's routing
 * (`possibleRecipientsOf`, the same table `recipientsOf` reads, over every policy the service ships) — so
 * validating a delivery against its channel also proves that routing and minimisation held.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const ASYNCAPI_CONTENT_TYPE = 'application/cloudevents+json';
const KAFKA_BINDING_VERSION = '0.5.0';

interface Audience {
  readonly channelId: string;
  readonly topic: string;
  readonly audience: EventAudience;
  readonly description: string;
}

/** Who reads each agency topic (a new agency id without a line here does not compile). */
const READERS: { readonly [A in AgencyId]: string } = {
  cmm: 'the Danish Centre against Human Trafficking (CMM), the coordinator; identifies victims with legal stay (R1)',
  police: 'the police (NEC): investigation, permit applications and renewals (R11, R12)',
  prosecution: 'the prosecution authority: may apply for the permit instead of the police (R11)',
  dis: 'the Danish Immigration Service: identifies without legal stay (R1), decides extensions, permits and asylum',
  siri: 'the Danish Agency for International Recruitment and Integration: identifies in some cases (R1)',
  court: 'the courts: may grant victim status to a defendant (R1)',
  ngo: 'the contracted NGOs: outreach and interviews (R2)',
  shelter: 'the shelters: accommodation; help with extension requests (R6)',
  iom: 'IOM: assisted voluntary return and reintegration monitoring (R14)',
  drc: 'the Danish Refugee Council, where the policy makes it the reintegration operator (R14)',
  'return-agency': 'the Danish Return Agency, where the policy makes it the return operator (R14)',
  'red-cross': 'the Danish Red Cross: screens unaccompanied minor asylum seekers (R3)',
  municipality: 'the municipality: integration plan after asylum (R18); child welfare and the guardian (R17)',
  guardian:
    "a child's guardian / professional representative (R17): copied on every event of the child's case",
};

function agencyDescription(agency: AgencyId): string {
  return `Read by ${READERS[agency]}. Carries the events this agency must act on or follow the case by; status facts it has no task for are withheld (the \`…Minimised\` messages).`;
}

function audiences(): Audience[] {
  return [
    ...AGENCY_IDS.map((agency) => ({
      channelId: agency,
      topic: agencyTopic(agency),
      audience: agency,
      description: agencyDescription(agency),
    })),
    {
      channelId: 'audit',
      topic: AUDIT_TOPIC,
      audience: 'audit' as const,
      description:
        'The audit stream: every event of every case, in full (nothing withheld), for supervision and for rebuilding a case history.',
    },
  ];
}

/** Whether the routing can send events of `type` to this audience's topic (the audit stream gets every one). */
export function carries(audience: EventAudience, type: PathwayEventType): boolean {
  return (
    audience === 'audit' ||
    DENMARK_POLICIES.some((policy) => possibleRecipientsOf(type, policy).includes(audience))
  );
}

/** Whether a reminder can go to this audience's topic (the audit stream gets every one). */
export function remindedOn(audience: EventAudience): boolean {
  return (
    audience === 'audit' ||
    DENMARK_POLICIES.some((policy) => possibleReminderRecipients(policy).includes(audience))
  );
}

/** `CaseReferred` or, for an audience that does not see its restricted fields, `CaseReferredMinimised`. */
function messageIdFor(audience: EventAudience, type: PathwayEventType): string {
  return withheldFields(audience, type).length === 0 ? type : `${type}Minimised`;
}

const REMINDER_MESSAGE_ID = 'DeadlineReminder';
const ACCESS_RECORD_MESSAGE_ID = 'AccessRecorded';
const ACCESS_CHANGED_MESSAGE_ID = 'AccessChanged';

/** JSON Schema (draft-07, the base of AsyncAPI 3.0's schema object) of a zod schema's output. */
function jsonSchema(schema: z.ZodType): JsonObject {
  const generated = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-07' });
  // The dialect is the document's (AsyncAPI schema objects are draft-07 based), not repeated per schema.
  return Object.fromEntries(Object.entries(generated).filter(([key]) => key !== '$schema')) as JsonObject;
}

/** The CloudEvents envelope of one event type, its `data` a reference to that message's data schema. */
function envelopeSchema(cloudEventType: string, dataSchemaId: string): JsonObject {
  const envelope = jsonSchema(
    cloudEventSchema.extend({
      source: z.literal(EVENT_SOURCE),
      type: z.literal(cloudEventType),
      data: z.object({}),
    }),
  );
  const properties = envelope['properties'] as JsonObject;
  properties['data'] = { $ref: `#/components/schemas/${dataSchemaId}` };
  return envelope;
}

/** `PermitGranted` → `Permit granted`; `CaseReferredMinimised` → `Case referred (minimised)`. */
function title(id: string): string {
  const base = id.replace(/Minimised$/, '');
  const words = base.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${base === id ? '' : ' (minimised)'}`;
}

const kafkaMessageBindings: JsonObject = {
  kafka: {
    key: {
      type: 'string',
      pattern: CASE_REF_PATTERN.source,
      description:
        'The case ref (equal to the CloudEvents `subject`): all events of a case share a partition, so a consumer reads a case in order.',
    },
    bindingVersion: KAFKA_BINDING_VERSION,
  },
};

function message(
  id: string,
  cloudEventType: string,
  summary: string,
  description: string | undefined,
): JsonObject {
  return {
    name: id,
    title: title(id),
    summary,
    ...(description === undefined ? {} : { description }),
    contentType: ASYNCAPI_CONTENT_TYPE,
    headers: { $ref: '#/components/schemas/KafkaHeaders' },
    payload: envelopeSchema(cloudEventType, `${id}Data`),
    correlationId: { $ref: '#/components/correlationIds/CaseRef' },
    bindings: kafkaMessageBindings,
  };
}

function restrictedDescription(type: PathwayEventType, audience: EventAudience): string | undefined {
  const restriction = restrictionOf(type);
  if (restriction === undefined) return undefined;
  const fields = restriction.fields.map((f) => `\`${f}\``).join(', ');
  const readers = restriction.readers.join(', ');
  return withheldFields(audience, type).length > 0
    ? `As published to the topics of agencies with no task for ${fields}: those fields are withheld (only ${readers} and the audit stream receive them).`
    : `In full, as published to the audit stream and to the topics of ${readers}, which need ${fields}; every other agency's topic receives ${type}Minimised instead.`;
}

const HEADERS_SCHEMA: JsonObject = {
  type: 'object',
  description:
    'Kafka headers repeating the routing attributes, so a consumer can filter without parsing the value.',
  properties: {
    'content-type': { type: 'string', const: 'application/cloudevents+json; charset=UTF-8' },
    ce_id: { type: 'string', description: 'The CloudEvents `id`.' },
    ce_type: { type: 'string', description: 'The CloudEvents `type`.' },
    ce_specversion: { type: 'string', const: '1.0' },
  },
  required: ['content-type', 'ce_id', 'ce_type', 'ce_specversion'],
};

const DESCRIPTION = `Events of the victim pathway service: what happened in each case (one message per domain event type) and reminders ahead of deadlines, as [CloudEvents 1.0](https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md) in structured mode (the Kafka value is the whole JSON envelope; \`datacontenttype\` is \`application/json\`).

- **Topics.** One topic per agency (\`pathway.<agency>.v1\`) with the events that agency must act on or follow the case by, and the audit stream \`pathway.audit.v1\` with every event. Topic names are versioned: a breaking change to an event goes to a new topic version.
- **Key.** The Kafka key is the case ref (also the CloudEvents \`subject\`), so the events of one case share a partition and arrive in order.
- **Duplicates.** Event ids are deterministic (\`<caseRef>/<step>\`): a retried publish re-sends the same id, and one event sent to several topics has the same id on each. Delivery is at least once; consumers drop duplicates by \`id\`.
- **Producer.** \`acks=all\` (every in-sync replica), one request in flight per broker connection (per-case order), no automatic topic creation, and no Kafka producer idempotence (ADR 0006): a publish resolves only when the broker holds every copy, and a retry after a failure may deliver an event twice under the same \`id\`.
- **No personal data.** Events carry case refs (pseudonymous, generated), stage names, agency ids, instants, rule ids and counts, never a name, a birth date or a document number. Each \`data\` schema is strict: a field outside the contract is refused before publishing.
- **Minimisation per topic.** Some events hold status facts (legal stay, criminal charge, age, asylum, municipality). An agency topic receives those fields only where the agency has a task for them; elsewhere the event is sent as its \`…Minimised\` message, without them. The audit stream receives everything in full.
- **Instants** are ISO-8601 in UTC with \`Z\`.`;

/** The person events (ADR 0014): published by the gateway, never carrying a value of the person's data. */
const PERSON_MESSAGES: Readonly<
  Record<string, { readonly type: string; readonly summary: string; readonly schema: z.ZodType }>
> = {
  PersonRecordChanged: {
    type: PERSON_RECORD_CHANGED_TYPE,
    summary: `The person record of the case changed, or a note was added: which sections and the version, never a value (CloudEvents type \`${PERSON_RECORD_CHANGED_TYPE}\`). Read the record at \`GET /<role>/cases/{caseRef}/person\`, as your role may see it.`,
    schema: personRecordChangedDataSchema,
  },
  PersonErased: {
    type: PERSON_ERASED_TYPE,
    summary: `The person's data was erased from the case (a data-subject request, or the end of the retention period): delete any copy you hold (CloudEvents type \`${PERSON_ERASED_TYPE}\`).`,
    schema: personErasedDataSchema,
  },
};

/** Builds the AsyncAPI 3.0.0 document (plain JSON data, deterministic). */
export function buildAsyncApiDocument(): JsonObject {
  const messages: JsonObject = {};
  const schemas: JsonObject = { KafkaHeaders: HEADERS_SCHEMA };
  const channels: JsonObject = {};
  const operations: JsonObject = {};

  for (const target of audiences()) {
    const channelMessages: JsonObject = {};
    for (const type of PATHWAY_EVENT_TYPES.filter((t) => carries(target.audience, t))) {
      const id = messageIdFor(target.audience, type);
      if (!(id in messages)) {
        messages[id] = message(
          id,
          cloudEventTypeOf(type),
          `Domain event ${type} (CloudEvents type \`${cloudEventTypeOf(type)}\`).`,
          restrictedDescription(type, target.audience),
        );
        schemas[`${id}Data`] = jsonSchema(eventDataSchemaFor(target.audience, type));
      }
      channelMessages[id] = { $ref: `#/components/messages/${id}` };
    }
    if (remindedOn(target.audience)) {
      channelMessages[REMINDER_MESSAGE_ID] = { $ref: `#/components/messages/${REMINDER_MESSAGE_ID}` };
    }
    if (target.audience === 'audit') {
      channelMessages[ACCESS_CHANGED_MESSAGE_ID] = {
        $ref: `#/components/messages/${ACCESS_CHANGED_MESSAGE_ID}`,
      };
    }
    const routed = Object.keys(channelMessages).length;
    // The person events go to the audit stream, the coordinator and every agency holding a grant on the case.
    for (const id of Object.keys(PERSON_MESSAGES)) {
      channelMessages[id] = { $ref: `#/components/messages/${id}` };
    }
    channels[target.channelId] = {
      address: target.topic,
      title: target.topic,
      description:
        routed > 0
          ? target.description
          : `${target.description} Under the policies this service ships nothing is routed here; the topic exists for a policy that gives this agency a task.`,
      messages: channelMessages,
    };
    operations[`send${pascal(target.channelId)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${target.channelId}` },
      summary: `The service publishes to ${target.topic}.`,
      messages: Object.keys(channelMessages).map((id) => ({
        $ref: `#/channels/${target.channelId}/messages/${id}`,
      })),
    };
  }
  // The access log: not pathway events but one CloudEvent per gateway request.
  messages[ACCESS_RECORD_MESSAGE_ID] = {
    name: ACCESS_RECORD_MESSAGE_ID,
    title: 'Access recorded',
    summary: `One request to an agency gateway, allowed or denied (\`type\` = \`${ACCESS_RECORD_TYPE}\`).`,
    description:
      'A CloudEvent whose `data` says who (role, organisation, opaque subject id — never a victim), which operation on which case (for an open: the case it opened), and the answer (status and problem code), with the request id (`X-Request-Id`). Never bodies, query values or tokens. Stored by the gateway before its answer leaves, then published at least once (consumers drop duplicates by `id`). Keyed by case ref when there is one (also the `subject`), else by subject id.',
    contentType: 'application/cloudevents+json',
    payload: { $ref: `#/components/schemas/${ACCESS_RECORD_MESSAGE_ID}` },
  };
  schemas[ACCESS_RECORD_MESSAGE_ID] = jsonSchema(accessRecordSchema);
  channels['accessLog'] = {
    address: ACCESS_LOG_TOPIC,
    title: ACCESS_LOG_TOPIC,
    description:
      'The access log: every request to an agency gateway, allowed or denied, for supervision of who looked at or acted on which case.',
    messages: { [ACCESS_RECORD_MESSAGE_ID]: { $ref: `#/components/messages/${ACCESS_RECORD_MESSAGE_ID}` } },
  };
  operations['sendAccessLog'] = {
    action: 'send',
    channel: { $ref: '#/channels/accessLog' },
    summary: `The gateway publishes to ${ACCESS_LOG_TOPIC}.`,
    messages: [{ $ref: `#/channels/accessLog/messages/${ACCESS_RECORD_MESSAGE_ID}` }],
  };

  for (const [id, { type, summary, schema }] of Object.entries(PERSON_MESSAGES)) {
    messages[id] = message(id, type, summary, undefined);
    schemas[`${id}Data`] = jsonSchema(schema);
  }

  messages[REMINDER_MESSAGE_ID] = message(
    REMINDER_MESSAGE_ID,
    REMINDER_EVENT_TYPE,
    `A reminder ahead of a deadline, sent to the agency that must act (CloudEvents type \`${REMINDER_EVENT_TYPE}\`). Not a domain event: nothing changed in the case.`,
    undefined,
  );
  schemas[`${REMINDER_MESSAGE_ID}Data`] = jsonSchema(reminderDataSchema);

  messages[ACCESS_CHANGED_MESSAGE_ID] = message(
    ACCESS_CHANGED_MESSAGE_ID,
    ACCESS_CHANGED_TYPE,
    `Who may see the case now: every grant (role and party code) after a grant was given, withdrawn or implied by an event, numbered \`accessSeq\` in the case (CloudEvents type \`${ACCESS_CHANGED_TYPE}\`, id \`<caseRef>/a<accessSeq>\`). Not a domain event; the audit stream only. A consumer keeps the highest \`accessSeq\`.`,
    undefined,
  );
  schemas[`${ACCESS_CHANGED_MESSAGE_ID}Data`] = jsonSchema(accessChangedDataSchema);

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Victim pathway events',
      version: '1.0.0',
      description: DESCRIPTION,
      license: { name: 'MIT' },
    },
    defaultContentType: ASYNCAPI_CONTENT_TYPE,
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The single-node broker that `npm start` runs for development.',
      },
    },
    channels,
    operations,
    components: {
      messages: sortKeys(messages),
      schemas: sortKeys(schemas),
      correlationIds: {
        CaseRef: {
          description:
            'The case ref: every event of one case carries it as `subject` (and as the Kafka key).',
          location: '$message.payload#/subject',
        },
      },
    },
  };
}

function pascal(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function sortKeys(object: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b, 'en')));
}
