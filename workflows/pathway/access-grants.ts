import { setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import {
  SearchAttributeKeys,
  grantAccessUpdate,
  grantKey,
  revokeAccessUpdate,
  type AccessChangeArgs,
  type AccessGrant,
  type CaseView,
  type RecordedAccessGrant,
} from '../../libs/contracts/src/workflow.js';
import { isAgencyId, type AgencyId, type Instant } from '../../libs/domain/src/index.js';
import { refuse } from './refusals.js';

/**
 * Who may see the case besides the national roles (an NGO assigned, a police unit, the IOM mission, a
 * guardian), mirrored into the `AccessGrants` search attribute that caseload listings filter by. Grants
 * change who may see the case, not the pathway: no domain event, no schedule change.
 */
export class AccessGrants {
  private readonly grants: RecordedAccessGrant[];

  constructor(initial: readonly RecordedAccessGrant[]) {
    this.grants = [...initial];
  }

  list(): RecordedAccessGrant[] {
    return [...this.grants];
  }

  /**
   * Adds a grant unless the case holds it already, and mirrors the grants into the search attribute. True
   * when the grants changed.
   */
  add(grant: AccessGrant, by: AgencyId, at: Instant): boolean {
    if (this.indexOf(grant) >= 0) return false;
    this.grants.push({ role: grant.role, party: grant.party, by, at });
    this.upsert();
    return true;
  }

  private revoke(grant: AccessGrant): boolean {
    const index = this.indexOf(grant);
    if (index < 0) return false;
    this.grants.splice(index, 1);
    this.upsert();
    return true;
  }

  private indexOf(grant: AccessGrant): number {
    return this.grants.findIndex((g) => grantKey(g) === grantKey(grant));
  }

  private upsert(): void {
    upsertSearchAttributes([{ key: SearchAttributeKeys.accessGrants, value: this.grants.map(grantKey) }]);
  }

  /** The `grantAccess` and `revokeAccess` Updates (CMM or DIS; refused once the case is closed). */
  handle(context: {
    readonly isClosed: () => boolean;
    readonly now: () => Instant;
    readonly view: () => CaseView;
    /** The grants changed: tell the audit stream (the read model's scope). */
    readonly announce: (change: 'granted' | 'revoked', by: AgencyId) => void;
  }): void {
    const validate = (args: AccessChangeArgs): void => {
      if (typeof args !== 'object' || !isAgencyId(args.by) || typeof args.grant !== 'object') {
        refuse('INVALID_COMMAND', 'an access change names who makes it (by) and the grant');
      }
      if (context.isClosed()) refuse('CASE_CLOSED', 'the case is closed');
    };
    setHandler(
      grantAccessUpdate,
      (args) => {
        if (this.add(args.grant, args.by, context.now())) context.announce('granted', args.by);
        return context.view();
      },
      { validator: validate, description: 'Give a role’s party access to the case (CMM, DIS).' },
    );
    setHandler(
      revokeAccessUpdate,
      (args) => {
        if (this.revoke(args.grant)) context.announce('revoked', args.by);
        return context.view();
      },
      {
        validator: (args: AccessChangeArgs) => {
          validate(args);
          if (this.indexOf(args.grant) < 0) refuse('GRANT_NOT_FOUND', 'the case holds no such grant');
        },
        description: 'Withdraw a party’s access to the case (CMM, DIS).',
      },
    );
  }
}
