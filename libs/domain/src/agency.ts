import type { OpeningHours } from './calendar.js';

/**
 * Who acts in a pathway. An agency id names a role-bearing body, not a person: the gateway authenticates the
 * caseworker and hands the domain only the agency they act for.
 */
export const AGENCY_IDS = [
  'cmm', // Danish Centre against Human Trafficking: coordinator, identifies with legal stay (R1)
  'police', // police units / NEC: investigation, permit applications (R11)
  'prosecution', // prosecution authority: may apply for the permit instead of the police (R11)
  'dis', // Danish Immigration Service: identifies without legal stay, decides extensions and permits
  'siri', // Danish Agency for International Recruitment and Integration: identifies in some cases (R1)
  'court', // courts: may grant victim status to a defendant (R1)
  'ngo', // contracted NGOs (HopeNow, AmiAmi, Reden International): outreach, interviews (R2)
  'shelter', // shelters (Reden International, Hørhuset): accommodation; help request extensions (R6)
  'iom', // IOM Copenhagen: AVR and reintegration monitoring per the seed (R14)
  'drc', // Danish Refugee Council: reintegration operator per later public sources (R14), not default
  'return-agency', // Danish Return Agency: travel per later public sources (R14), not default
  'red-cross', // Danish Red Cross: screens unaccompanied minor asylum seekers (R3)
  'municipality', // integration plan after asylum (R18); child welfare
  'guardian', // professional representative of a child (R17)
] as const;

export type AgencyId = (typeof AGENCY_IDS)[number];

/**
 * Whoever issues a command: an agency, the victim (recorded through an agency's gateway, e.g. an extension
 * request or an asylum application), or `system` — the workflow's own timer reporting that a deadline passed.
 */
export type Actor = AgencyId | 'victim' | 'system';

export const ACTORS: readonly Actor[] = [...AGENCY_IDS, 'victim', 'system'];

export function isAgencyId(value: unknown): value is AgencyId {
  return typeof value === 'string' && (AGENCY_IDS as readonly string[]).includes(value);
}

export function isActor(value: unknown): value is Actor {
  return typeof value === 'string' && (ACTORS as readonly string[]).includes(value);
}

/** Contact details of one organisation (organisational contacts from the seed, never personal data). */
export interface OrganisationContact {
  readonly name: string;
  readonly phone?: string;
  readonly hotline?: string;
  readonly hours?: string;
  /** The same hours as data, to tell whether the line is open at an instant (R-directory, seed). */
  readonly openingHours?: OpeningHours;
  readonly email?: string;
  readonly secureEmail?: string;
  readonly url?: string;
}

/** One entry of a policy's agency directory: the role id and the organisations that fill it. */
export interface AgencyEntry {
  readonly id: AgencyId;
  readonly name: string;
  readonly role: string;
  readonly organisations: readonly OrganisationContact[];
}
