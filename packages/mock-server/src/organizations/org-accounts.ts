import { sendJson } from '../http';
import { NOT_FOUND, sendOrgError } from './errors';
import { contentPage, readPaging } from './paging';
import type { OrgRequest } from './request';

/** The spec's `PageSize` for Accounts: default 50, at most 100. */
const LIMITS = { defaultSize: 50, maxSize: 100 } as const;

/**
 * `GET …/Accounts`: the organization's accounts (the mock's `accountSid` first) in `content` +
 * `meta` pages, `PageSize` / `PageToken` as the spec describes them.
 */
export function listAccounts(request: OrgRequest): void {
  const paging = readPaging(request.query, LIMITS);
  if ('status' in paging) {
    sendOrgError(request.res, 'twilio', paging);
    return;
  }
  const page = contentPage({
    items: request.ctx.organizations.accounts(request.organizationSid),
    keyOf: (account) => account.account_sid,
    request: paging,
    listUrl: `${request.orgUrl}/Accounts`,
    filters: [],
  });
  if (page) sendJson(request.res, 200, page);
  else
    sendOrgError(request.res, 'twilio', {
      status: 400,
      code: 20001,
      message: 'PageToken is not valid.',
    });
}

/** `GET …/Accounts/{AccountSid}`: 404 when the account does not belong to the organization. */
export function fetchAccount(request: OrgRequest, accountSid: string): void {
  const account = request.ctx.organizations
    .accounts(request.organizationSid)
    .find((candidate) => candidate.account_sid === accountSid);
  if (account) sendJson(request.res, 200, account);
  else sendOrgError(request.res, 'twilio', NOT_FOUND);
}
