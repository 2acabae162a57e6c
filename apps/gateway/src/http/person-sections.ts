import type { PersonSection } from '../../../../libs/contracts/src/index.js';

/** Where a person route leaves the sections it answered or changed, for the access record (names only). */
export const PERSON_SECTIONS_LOCAL = 'personSections';

export type PersonSectionName = PersonSection | 'notes';
