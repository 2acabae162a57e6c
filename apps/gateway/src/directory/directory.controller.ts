import { Controller, Get, SetMetadata, UseGuards } from '@nestjs/common';
import {
  DENMARK_POLICIES,
  calendarOf,
  instant,
  openingStatus,
  selectPolicy,
  type AgencyEntry,
  type OrganisationContact,
} from '../../../../libs/domain/src/index.js';
import { AccessGuard, ROUTE_AUTHENTICATED } from '../auth/access.guard.js';

/** An organisation of the directory, with whether its line is open now (where its hours are data). */
type ListedOrganisation = Omit<OrganisationContact, 'openingHours'> & {
  readonly openNow?: boolean;
  readonly nextOpensAt?: string;
};

export interface DirectoryAnswer {
  readonly policyVersion: string;
  readonly timeZone: string;
  readonly agencies: readonly (Omit<AgencyEntry, 'organisations'> & {
    readonly organisations: readonly ListedOrganisation[];
  })[];
}

/**
 * The agency directory of the policy in force (the seed's contact table): every agency, its role in the
 * pathway and its organisational contacts (never a person's), with whether a line with opening hours is open
 * now. For any authenticated caller.
 */
@Controller('directory')
@UseGuards(AccessGuard)
export class DirectoryController {
  @Get()
  @SetMetadata(ROUTE_AUTHENTICATED, true)
  directory(): DirectoryAnswer {
    const now = instant(Date.now());
    const policy = selectPolicy(DENMARK_POLICIES, now);
    const calendar = calendarOf(policy);
    return {
      policyVersion: policy.version,
      timeZone: calendar.timeZone,
      agencies: policy.agencies.map((entry) => ({
        ...entry,
        organisations: entry.organisations.map(({ openingHours, ...organisation }) => {
          if (openingHours === undefined) return organisation;
          const status = openingStatus(openingHours, now, calendar);
          return {
            ...organisation,
            openNow: status.open,
            ...(status.nextOpensAt !== undefined ? { nextOpensAt: status.nextOpensAt } : {}),
          };
        }),
      })),
    };
  }
}
