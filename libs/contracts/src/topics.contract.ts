import { AGENCY_IDS, type AgencyId } from '../../domain/src/index.js';
import { ACCESS_LOG_TOPIC } from './access-log.contract.js';

export { AGENCY_IDS, type AgencyId };

/**
 * One Kafka topic per receiving agency, plus the full audit stream. Topic names are versioned: a breaking
 * change to an event's shape goes to a new topic version.
 */
export function agencyTopic(agency: AgencyId): string {
  return `pathway.${agency}.v1`;
}
export const AUDIT_TOPIC = 'pathway.audit.v1';

/** Every topic the system writes, created at start: agencies', the audit stream and the access log. */
export const ALL_TOPICS: readonly string[] = [...AGENCY_IDS.map(agencyTopic), AUDIT_TOPIC, ACCESS_LOG_TOPIC];
