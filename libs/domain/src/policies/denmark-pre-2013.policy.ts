import { loadPolicy } from '../policy/policy.load.js';
import type { Policy, PolicyData } from '../policy/policy.types.js';
import { instant } from '../time.js';
import { DENMARK_2013_DATA } from './denmark-2013.policy.js';

/**
 * Denmark before L 129 (2012-13): the reflection period could be extended to 100 days in total (R5), and
 * the §9c(5) permit for investigation or prosecution did not yet exist (L 129 inserted it), so a permit
 * application is refused with `PERMIT_NOT_AVAILABLE`. Everything else as in the 2013 policy.
 *
 * Effective date: the 100-day rule followed the 2007–2010 action plan (L 197, 2006-07); 1 August 2007 is our
 * reading and is unverified. Cases opened before it have no policy (`NO_POLICY_IN_FORCE`).
 */
export const DENMARK_PRE_2013_DATA: PolicyData = {
  ...DENMARK_2013_DATA,
  version: 'dk-2007.1',
  title: 'Denmark, Aliens Act before L 129 (2012-13): 100-day cap, no §9c(5) permit',
  effectiveFrom: instant('2007-07-31T22:00:00.000Z'),
  sources: [
    'seed 000_bd71050944f98882',
    'Aliens Act §33(14) before L 129 (2012-13): 100 days',
    'L 197 (2006-07)',
  ],
  periods: {
    ...DENMARK_2013_DATA.periods,
    extension: { ...DENMARK_2013_DATA.periods.extension, capTotalDays: 100 },
  },
  permit: { ...DENMARK_2013_DATA.permit, available: false },
};

export const DENMARK_PRE_2013: Policy = loadPolicy(DENMARK_PRE_2013_DATA);
