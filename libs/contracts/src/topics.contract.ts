/** Agencies that receive events, one Kafka topic each, plus the full audit stream. */
export const AGENCY_IDS = ['cmm', 'dis', 'police', 'iom', 'ngo', 'guardian', 'municipality'] as const;
export type AgencyId = (typeof AGENCY_IDS)[number];

/** Topic names are versioned: a breaking change to an event's shape goes to a new topic version. */
export function agencyTopic(agency: AgencyId): string {
  return `pathway.${agency}.v1`;
}
export const AUDIT_TOPIC = 'pathway.audit.v1';

export const ALL_TOPICS: readonly string[] = [...AGENCY_IDS.map(agencyTopic), AUDIT_TOPIC];
