import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { assertMatchesAsyncApi, loadCommittedAsyncApi } from '../../../test/support/asyncapi-validator.js';
import { PATHWAY_EVENT_TYPES, type AgencyId } from '../../domain/src/index.js';
import { buildAsyncApiDocument, carries, remindedOn } from './asyncapi.js';
import { pathwayEventRequest, toCloudEvent, toCloudEventFor } from './events.contract.js';
import { ALL_TOPICS, AUDIT_TOPIC, agencyTopic } from './topics.contract.js';

const caseRef = 'PW-7K2M9Q4X1D3F';
const at = '2026-12-01T10:00:00.000Z';
// Every topic the system writes: the agencies', the audit stream and the gateway's access log.
const EVENT_TOPICS = ALL_TOPICS;

const referred = pathwayEventRequest(
  caseRef,
  1,
  {
    type: 'CaseReferred',
    at,
    caseRef,
    policyVersion: 'dk-2013.1',
    by: 'police',
    channel: 'asylum-screening',
    facts: {
      hasLegalStay: false,
      isDefendant: false,
      siriResponsible: false,
      age: 'unverified',
      unaccompanied: true,
      isAsylumSeeker: true,
    },
    competentAuthority: 'dis',
  } as never,
  ['cmm', 'dis', 'municipality'],
);

interface Doc {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string } }>;
}

// The parser's diagnostics and its DiagnosticSeverity come from two copies of @stoplight/types.
const isError = (severity: number): boolean => severity === (DiagnosticSeverity.Error as number);

describe('AsyncAPI document', () => {
  const generated = JSON.parse(JSON.stringify(buildAsyncApiDocument())) as Doc;

  it('is committed as generated', () => {
    expect(loadCommittedAsyncApi(), 'docs/asyncapi.yaml is out of date: run npm run asyncapi').toEqual(
      generated,
    );
  });

  it('is a valid AsyncAPI 3.0.0 document', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(generated));
    const errors = diagnostics
      .filter((d) => isError(d.severity))
      .map((d) => `${d.path.join('/')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(
      document
        ?.channels()
        .all()
        .map((c) => c.address()),
    ).toEqual(EVENT_TOPICS);
    expect(
      document
        ?.operations()
        .all()
        .every((o) => o.action() === 'send'),
    ).toBe(true);
  }, 60_000);

  it('has one channel per topic and a send operation for each', () => {
    expect(Object.values(generated.channels).map((c) => c.address)).toEqual(EVENT_TOPICS);
    expect(Object.values(generated.operations).map((o) => [o.action, o.channel.$ref])).toEqual(
      Object.keys(generated.channels).map((id) => ['send', `#/channels/${id}`]),
    );
  });

  it('lists the full message on the readers’ and the audit channels, the minimised one elsewhere', () => {
    const messagesOf = (id: string) => Object.keys(generated.channels[id]?.messages ?? {});
    expect(messagesOf('dis')).toContain('CaseReferred');
    expect(messagesOf('audit')).toEqual(expect.arrayContaining(['CaseReferred', 'AsylumGranted']));
    expect(messagesOf('municipality')).toContain('CaseReferredMinimised');
    expect(messagesOf('municipality')).not.toContain('CaseReferred');
    expect(messagesOf('municipality')).toContain('AsylumGranted');
    expect(messagesOf('guardian')).toContain('CaseReferredMinimised');
  });

  it('declares on each channel only what the routing can send there (recipientsOf’s own table), and the person events', () => {
    // The person events (ADR 0014) go to every agency that may hold a grant on a case, and to the audit stream.
    const PERSON = ['PersonRecordChanged', 'PersonErased'];
    const messagesOf = (id: string) =>
      Object.keys(generated.channels[id]?.messages ?? {}).filter((m) => !PERSON.includes(m));
    for (const [id, channel] of Object.entries(generated.channels)) {
      if (id !== 'accessLog') expect(Object.keys(channel.messages).slice(-2), id).toEqual(PERSON);
    }
    // The police follow identifications they referred, permits they applied for, departures and closures.
    expect(messagesOf('police')).toEqual([
      'IdentificationDecided',
      'VictimStatusGrantedByCourt',
      'PermitGranted',
      'PermitRefused',
      'PermitEnded',
      'InvestigationEnded',
      'DeadlineMissed',
      'StageChanged',
      'CaseClosed',
      'DeadlineReminder',
    ]);
    expect(messagesOf('ngo')).toEqual(['IdentificationDecided', 'VictimStatusGrantedByCourt', 'CaseClosed']);
    expect(messagesOf('shelter')).toEqual([]);
    // The audit stream: every domain event, the reminders, and who may see each case (issue 14's read model).
    expect(messagesOf('audit')).toHaveLength(PATHWAY_EVENT_TYPES.length + 2);
    expect(messagesOf('audit').at(-1)).toBe('AccessChanged');
    for (const id of Object.keys(generated.channels)) {
      const audience = id === 'accessLog' ? undefined : id === 'audit' ? 'audit' : (id as AgencyId);
      if (audience === undefined) continue;
      const declared = messagesOf(id).map((m) => m.replace(/Minimised$/, ''));
      expect(declared, id).toEqual([
        ...PATHWAY_EVENT_TYPES.filter((type) => carries(audience, type)),
        ...(remindedOn(audience) ? ['DeadlineReminder'] : []),
        ...(audience === 'audit' ? ['AccessChanged'] : []),
      ]);
    }
  });
});

describe('assertMatchesAsyncApi', () => {
  it('accepts each topic’s minimised event', () => {
    expect(() => {
      assertMatchesAsyncApi(AUDIT_TOPIC, toCloudEvent(referred));
      assertMatchesAsyncApi(agencyTopic('dis'), toCloudEventFor(referred, 'dis'));
      assertMatchesAsyncApi(agencyTopic('municipality'), toCloudEventFor(referred, 'municipality'));
    }).not.toThrow();
  });

  it('refuses a status fact on a topic it is withheld from, naming the field but no value', () => {
    let message = '';
    try {
      assertMatchesAsyncApi(agencyTopic('municipality'), toCloudEvent(referred));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/CaseReferredMinimised/);
    expect(message).toMatch(/\/data must NOT have additional properties \(facts\)/);
    expect(message).not.toMatch(/asylum-screening|unverified|true/);
  });

  it('refuses an event the contract does not know, and a topic without a channel', () => {
    const event = toCloudEvent(referred);
    expect(() => {
      assertMatchesAsyncApi(AUDIT_TOPIC, { ...event, type: 'dk.pathway.unknown.v1' });
    }).toThrow(/no message of type dk\.pathway\.unknown\.v1/);
    expect(() => {
      assertMatchesAsyncApi('pathway.nobody.v1', event);
    }).toThrow(/no channel/);
    // The routing never sends a referral to the police topic: its channel does not declare one.
    expect(() => {
      assertMatchesAsyncApi(agencyTopic('police'), toCloudEventFor(referred, 'police'));
    }).toThrow(/no message of type dk\.pathway\.case-referred\.v1/);
    let message = '';
    try {
      assertMatchesAsyncApi(AUDIT_TOPIC, { ...event, data: { ...event.data, name: 'Jane Doe' } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/additional properties \(name\)/);
    expect(message).not.toMatch(/Jane/);
  });
});
