import type { AgencyId } from './agency.js';
import { calendarOf, openingStatus } from './calendar.js';
import type { Policy } from './policy/policy.types.js';
import type { Instant } from './time.js';

/**
 * How to reach an agency about a case, from the policy's directory (organisational contacts, never a
 * person's): its first organisation's lines, and — where the directory has its hours as data and the
 * policy a calendar — whether the line is open at the instant and when it next opens.
 */
export interface ContactPoint {
  readonly agency: AgencyId;
  readonly name: string;
  readonly phone?: string;
  readonly hotline?: string;
  readonly email?: string;
  readonly secureEmail?: string;
  readonly hours?: string;
  readonly open?: boolean;
  readonly nextOpensAt?: Instant;
}

export function contactPointOf(agency: AgencyId, at: Instant, policy: Policy): ContactPoint {
  const entry = policy.agencies.find((a) => a.id === agency);
  const organisation = entry?.organisations[0];
  const lines = {
    ...(organisation?.phone !== undefined ? { phone: organisation.phone } : {}),
    ...(organisation?.hotline !== undefined ? { hotline: organisation.hotline } : {}),
    ...(organisation?.email !== undefined ? { email: organisation.email } : {}),
    ...(organisation?.secureEmail !== undefined ? { secureEmail: organisation.secureEmail } : {}),
    ...(organisation?.hours !== undefined ? { hours: organisation.hours } : {}),
  };
  const status =
    organisation?.openingHours !== undefined && policy.calendar !== undefined
      ? openingStatus(organisation.openingHours, at, calendarOf(policy))
      : undefined;
  return {
    agency,
    name: organisation?.name ?? entry?.name ?? agency,
    ...lines,
    ...(status === undefined ? {} : { open: status.open }),
    ...(status?.nextOpensAt !== undefined ? { nextOpensAt: status.nextOpensAt } : {}),
  };
}
