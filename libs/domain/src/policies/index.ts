import type { Policy } from '../policy/policy.types.js';
import { DENMARK_2013, DENMARK_2013_REVISED } from './denmark-2013.policy.js';
import { DENMARK_PRE_2013 } from './denmark-pre-2013.policy.js';

export {
  DANISH_CALENDAR,
  DENMARK_2013,
  DENMARK_2013_DATA,
  DENMARK_2013_REVISED,
  DENMARK_2013_REVISED_DATA,
  DENMARK_SUPPORT_OFFERS,
} from './denmark-2013.policy.js';
export { DENMARK_PRE_2013, DENMARK_PRE_2013_DATA } from './denmark-pre-2013.policy.js';
export { DENMARK_AGENCIES } from './denmark.agencies.js';

/** Every shipped Danish policy version, for `selectPolicy` / `policyByVersion`. */
export const DENMARK_POLICIES: readonly Policy[] = [DENMARK_PRE_2013, DENMARK_2013, DENMARK_2013_REVISED];
