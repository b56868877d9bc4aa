import { randomBytes } from 'node:crypto';
import type { MockOrgAccount } from '../types';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A SID of `prefix` + 32 lowercase hex digits, as the spec's patterns have them. */
export const newSid = (prefix: string): string => `${prefix}${hex(16)}`;

/** A SCIM user as stored and answered (`ScimUser`): only assigned attributes are present. */
export type ScimUserRecord = Readonly<Record<string, unknown>> & {
  readonly id: string;
  readonly userName: string;
  readonly meta: {
    readonly resourceType: 'User';
    readonly created: string;
    readonly lastModified: string;
    readonly version: string;
  };
};

/** A role assignment (`PublicApiRoleAssignmentResponse`). */
export interface RoleAssignment {
  readonly sid: string;
  readonly role_sid: string;
  readonly scope: string;
  readonly identity: string;
}

/** A SCIM version: a weak entity tag, new on every write (RFC 7644 §3.14). */
export const newVersion = (): string => `W/"${hex(8)}"`;

interface OrgState {
  readonly users: Map<string, ScimUserRecord>;
  readonly accounts: MockOrgAccount[];
  readonly assignments: RoleAssignment[];
}

/**
 * What the Organizations API holds, per organization, in memory: SCIM users, accounts (the
 * mock's own account first, in every organization) and role assignments. `clear()` forgets it.
 */
export class OrganizationStore {
  readonly #orgs = new Map<string, OrgState>();

  constructor(
    private readonly accountSid: string,
    private readonly now: () => number,
  ) {}

  #org(organizationSid: string): OrgState {
    let state = this.#orgs.get(organizationSid);
    if (!state) {
      state = {
        users: new Map(),
        accounts: [this.#account(this.accountSid, 'Mock account')],
        assignments: [],
      };
      this.#orgs.set(organizationSid, state);
    }
    return state;
  }

  #account(accountSid: string, friendlyName: string): MockOrgAccount {
    return {
      account_sid: accountSid,
      friendly_name: friendlyName,
      status: 'active',
      owner_sid: newSid('US'),
      date_created: new Date(this.now()).toISOString(),
    };
  }

  /** The users of an organization, oldest first. */
  users(organizationSid: string): ScimUserRecord[] {
    return [...this.#org(organizationSid).users.values()];
  }

  user(organizationSid: string, id: string): ScimUserRecord | undefined {
    return this.#org(organizationSid).users.get(id);
  }

  /** The user of `organizationSid` whose userName equals `userName` (case-insensitive). */
  userNamed(organizationSid: string, userName: string): ScimUserRecord | undefined {
    const wanted = userName.toLowerCase();
    return this.users(organizationSid).find((user) => user.userName.toLowerCase() === wanted);
  }

  putUser(organizationSid: string, user: ScimUserRecord): void {
    this.#org(organizationSid).users.set(user.id, user);
  }

  deleteUser(organizationSid: string, id: string): boolean {
    return this.#org(organizationSid).users.delete(id);
  }

  accounts(organizationSid: string): readonly MockOrgAccount[] {
    return this.#org(organizationSid).accounts;
  }

  /** Adds an account (`AC` + 32 hex) to an organization and returns it. */
  addAccount(organizationSid: string, friendlyName: string): MockOrgAccount {
    const account = this.#account(newSid('AC'), friendlyName);
    this.#org(organizationSid).accounts.push(account);
    return account;
  }

  assignments(organizationSid: string): readonly RoleAssignment[] {
    return this.#org(organizationSid).assignments;
  }

  addAssignment(organizationSid: string, fields: Omit<RoleAssignment, 'sid'>): RoleAssignment {
    const assignment: RoleAssignment = { sid: newSid('IY'), ...fields };
    this.#org(organizationSid).assignments.push(assignment);
    return assignment;
  }

  deleteAssignment(organizationSid: string, sid: string): boolean {
    const list = this.#org(organizationSid).assignments;
    const index = list.findIndex((assignment) => assignment.sid === sid);
    if (index === -1) return false;
    list.splice(index, 1);
    return true;
  }

  clear(): void {
    this.#orgs.clear();
  }
}
