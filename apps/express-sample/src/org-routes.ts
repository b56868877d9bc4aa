// `/org/users` on the organization app: its own middleware (`as: 'twilioOrg'`), its own
// manager and token, beside the account app's `req.twilio`.
import type { RetryOptions } from '@twilio-oauth/core';
import { type TwilioOAuthHandle, twilioOAuth } from '@twilio-oauth/express';
import { scimTypeOf, twilioClientFactory } from '@twilio-oauth/twilio';
import express, { type Request, type Router } from 'express';
import type { OrgCredentials } from './config';

declare global {
  namespace Express {
    interface Request {
      /** The organization app's handle; `client` is the SDK's, for `previewIam` only. */
      twilioOrg: TwilioOAuthHandle;
    }
  }
}

/** What the `/org` routes need besides the organization app. */
export interface OrgRoutesConfig {
  readonly tokenUrl: string;
  readonly retry: RetryOptions | undefined;
  /** The bearer may go to these hosts. */
  readonly allowedHosts: string[];
  /** The SDK's hosts moved onto `apiBaseUrl` (a mock server), or Twilio's own when absent. */
  readonly sdkApiBaseUrl: string | undefined;
}

/** The router and what closes the organization app's token manager. */
export interface OrgRoutes {
  readonly router: Router;
  close(): Promise<void>;
}

export const ORG_NOT_CONFIGURED =
  'Organizations API not configured: set TWILIO_ORG_CLIENT_ID, TWILIO_ORG_CLIENT_SECRET and TWILIO_ORG_SID';

/**
 * `GET /org/users` (`?userName=`), `POST /org/users` (provision: create, or the existing user on
 * a uniqueness conflict), `POST /org/users/:id/roles` (`{ roleSid, scope }`). Without an
 * organization app, every `/org` path answers 501 saying what to set.
 */
export function orgRoutes(org: OrgCredentials | undefined, config: OrgRoutesConfig): OrgRoutes {
  const router = express.Router();
  if (org === undefined) {
    router.use('/org', (_req, res) => {
      res.status(501).json({ error: ORG_NOT_CONFIGURED });
    });
    return { router, close: async () => {} };
  }
  const middleware = twilioOAuth(
    {
      clientId: org.clientId,
      clientSecret: org.clientSecret,
      tokenUrl: config.tokenUrl,
      retry: config.retry,
      allowedHosts: config.allowedHosts,
    },
    {
      as: 'twilioOrg',
      // No account SID: the Organizations API needs none.
      sdkClient: twilioClientFactory(
        config.sdkApiBaseUrl === undefined ? {} : { apiBaseUrl: config.sdkApiBaseUrl },
      ),
    },
  );
  const organization = (req: Request) =>
    req.twilioOrg.client.previewIam.organization(org.organizationSid);
  const byName = (req: Request, userName: string) =>
    organization(req).users.list({ filter: `userName eq ${JSON.stringify(userName)}` });

  router.use('/org', middleware);

  router.get('/org/users', async (req, res) => {
    const { userName } = req.query;
    if (userName !== undefined && (typeof userName !== 'string' || userName.trim() === '')) {
      res.status(400).json({ error: 'userName must be one non-empty value' });
      return;
    }
    const users = userName ? await byName(req, userName) : await organization(req).users.list();
    res.json({ users: users.map(userView) });
  });

  router.post('/org/users', express.json(), async (req, res) => {
    const userName = field(req.body, 'userName');
    const displayName = field(req.body, 'displayName');
    if (typeof userName !== 'string' || userName.trim() === '') {
      res.status(400).json({ error: 'userName must be a non-empty string (the email)' });
      return;
    }
    try {
      const user = await organization(req).users.create({
        userName,
        ...(typeof displayName === 'string' ? { displayName } : {}),
        emails: [{ value: userName, primary: true }],
      });
      res.status(201).json({ user: userView(user) });
    } catch (error) {
      // Already provisioned (by an earlier call or another process): answer that user.
      if (scimTypeOf(error) !== 'uniqueness') throw error;
      const [existing] = await byName(req, userName);
      if (existing === undefined) throw error;
      res.status(200).json({ user: userView(existing) });
    }
  });

  router.post('/org/users/:id/roles', express.json(), async (req, res) => {
    const roleSid = field(req.body, 'roleSid');
    const scope = field(req.body, 'scope');
    if (typeof roleSid !== 'string' || typeof scope !== 'string' || !roleSid || !scope) {
      res.status(400).json({ error: 'roleSid and scope must be non-empty strings' });
      return;
    }
    const assignment = await organization(req).roleAssignments.create({
      roleSid,
      scope,
      identity: req.params.id,
    });
    const { sid, identity } = assignment;
    res.status(201).json({ sid, roleSid: assignment.roleSid, scope: assignment.scope, identity });
  });

  return { router, close: () => middleware.close() };
}

const field = (body: unknown, name: string): unknown =>
  typeof body === 'object' && body !== null ? Reflect.get(body, name) : undefined;

interface ScimUserLike {
  id: string;
  userName: string;
  displayName?: string;
  active?: boolean;
}

/** What the sample tells of a user. */
const userView = ({ id, userName, displayName, active }: ScimUserLike) => ({
  id,
  userName,
  displayName: displayName ?? null,
  active: active ?? null,
});
