import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context';
import { requestPath, requestQuery } from '../http';
import { bearerChallenge, passGate } from '../rest-gate';
import { CODES, type ErrorShape, NOT_FOUND, type OrgError, sendOrgError } from './errors';
import { fetchAccount, listAccounts } from './org-accounts';
import type { OrgRequest } from './request';
import {
  createRoleAssignment,
  deleteRoleAssignment,
  listRoleAssignments,
} from './role-assignments';
import { createUser, deleteUser, fetchUser, listUsers, writeUser } from './scim-users';

/** Every path under this prefix belongs to the Organizations API. */
export const ORGANIZATIONS_PREFIX = '/Organizations/';

const PATH =
  /^\/Organizations\/(OR[0-9a-fA-F]{32})\/(scim\/Users|Accounts|RoleAssignments)(?:\/([^/]+))?$/;

type Handler = (request: OrgRequest, id: string) => void;

/** One resource path: the handler of each method, and the error shape of each. */
interface Route {
  readonly methods: Readonly<Record<string, { readonly run: Handler; readonly shape: ErrorShape }>>;
}

const ROUTES: Record<string, Route> = {
  'scim/Users': {
    methods: {
      GET: { run: listUsers, shape: 'scim' },
      POST: { run: createUser, shape: 'scim' },
    },
  },
  'scim/Users/:id': {
    methods: {
      GET: { run: fetchUser, shape: 'scim' },
      PUT: { run: (r, id) => writeUser(r, id, 'replace'), shape: 'scim' },
      PATCH: { run: (r, id) => writeUser(r, id, 'patch'), shape: 'scim' },
      DELETE: { run: deleteUser, shape: 'scim' },
    },
  },
  Accounts: { methods: { GET: { run: listAccounts, shape: 'twilio' } } },
  'Accounts/:id': { methods: { GET: { run: fetchAccount, shape: 'twilio' } } },
  RoleAssignments: {
    methods: {
      GET: { run: listRoleAssignments, shape: 'twilio' },
      POST: { run: createRoleAssignment, shape: 'service' },
    },
  },
  'RoleAssignments/:id': { methods: { DELETE: { run: deleteRoleAssignment, shape: 'service' } } },
};

/** The shape an error on this path takes before a method is chosen. */
const shapeOf = (route: Route | undefined, method: string): ErrorShape => {
  const methods = route ? Object.values(route.methods) : [];
  return route?.methods[method]?.shape ?? methods[0]?.shape ?? 'twilio';
};

const TOO_LARGE: OrgError = {
  status: 413,
  code: CODES.tooLarge,
  message: 'The request body is too large.',
};

function forbidden(message: string): OrgError {
  return { status: 403, code: CODES.forbidden, message };
}

/**
 * The Organizations API (`/Organizations/{OrganizationSid}/…`, Twilio's `preview-iam` host):
 * SCIM Users, Accounts and Role Assignments. Only organization apps' tokens get through, and only
 * on their own organization; the `api` fault applies here as on the Messages API.
 */
export async function handleOrganizations(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const match = PATH.exec(requestPath(req));
  const [, organizationSid = '', collection = '', id] = match ?? [];
  const route = ROUTES[id === undefined ? collection : `${collection}/:id`];
  const method = req.method ?? 'GET';
  const shape = shapeOf(route, method);
  const passed = await passGate(ctx, req, res, {
    count: (clientId) => ctx.stats.organizationsRequest(clientId),
    tooLarge: () => sendOrgError(res, shape, TOO_LARGE, { Connection: 'close' }),
    unauthenticated: (check) => {
      ctx.stats.organizationsRejected();
      const error = { status: 401, code: CODES.unauthenticated, message: check.message };
      sendOrgError(res, shape, error, { 'WWW-Authenticate': bearerChallenge(check) });
    },
  });
  if (!passed) return;
  const ownOrganization = ctx.organizationOf.get(passed.claims.sub);
  if (match && ownOrganization !== organizationSid) {
    ctx.stats.organizationsRejected();
    sendOrgError(
      res,
      shape,
      forbidden(
        ownOrganization === undefined
          ? 'The Organizations API accepts only organization OAuth app tokens.'
          : 'This token belongs to another organization.',
      ),
    );
    return;
  }
  const handler = route?.methods[method];
  if (!route || !match) {
    sendOrgError(res, 'twilio', NOT_FOUND);
  } else if (!handler) {
    const error = { status: 405, code: CODES.methodNotAllowed, message: 'Method not allowed.' };
    sendOrgError(res, shape, error, { Allow: Object.keys(route.methods).join(', ') });
  } else {
    const orgUrl = `${ctx.url}/Organizations/${organizationSid}`;
    const request: OrgRequest = {
      ctx,
      req,
      res,
      organizationSid,
      body: passed.body,
      orgUrl,
      query: requestQuery(req),
    };
    handler.run(request, id ?? '');
  }
}
