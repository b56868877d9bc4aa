// The Organizations scene of `pnpm demo` (mock mode only): on an app that holds an organization
// OAuth app beside its account app, provision a user (twice: the second time Twilio answers 409
// and the app answers the user already there), assign it a role, and list the users.
import { randomBytes } from 'node:crypto';

/** Apps whose sample serves `/org/users`, each with an organization app of its own. */
const ORG_APPS = new Set(['express-sample', 'nest-sample']);

const hex = () => randomBytes(16).toString('hex');

/**
 * One organization, one organization OAuth app per app in {@link ORG_APPS}, and the role the
 * scene assigns: `{ organizationSid, roleSid, clients: [{ app, clientId, clientSecret,
 * organizationSid }] }`.
 */
export function orgSetup() {
  const organizationSid = `OR${hex()}`;
  return {
    organizationSid,
    roleSid: `IX${hex()}`,
    clients: [...ORG_APPS].map((app) => ({
      app,
      clientId: `OQ${hex()}`,
      clientSecret: `demo-secret-${randomBytes(24).toString('base64url')}`,
      organizationSid,
    })),
  };
}

/** The `TWILIO_ORG_*` variables of an app's organization app. */
export const orgEnv = ({ clientId, clientSecret, organizationSid }) => ({
  TWILIO_ORG_CLIENT_ID: clientId,
  TWILIO_ORG_CLIENT_SECRET: clientSecret,
  TWILIO_ORG_SID: organizationSid,
});

/**
 * Runs the scene against a started app. `http` is the demo's client of that app, `step` its
 * printer; `userName` is the user to provision, `roleSid` and `scope` the role assignment.
 */
export async function exerciseOrg(name, http, { step, userName, roleSid, scope }) {
  const { call, expectStatus } = http;
  step(name, 'Organizations: the organization app, beside the account app');

  const created = await call('POST', '/org/users', { userName, displayName: 'Demo admin' });
  expectStatus(created, 201, 'POST /org/users');
  const { id } = created.json.user;
  step(name, `POST /org/users    → 201 provisioned ${userName} as ${id}`);

  const again = await call('POST', '/org/users', { userName });
  expectStatus(again, 200, 'POST /org/users (again)');
  if (again.json.user?.id !== id) throw new Error(`${name} provisioned ${userName} twice`);
  step(name, `POST /org/users    → 200 already there (Twilio said 409 uniqueness): ${id}`);

  const assigned = await call('POST', `/org/users/${id}/roles`, { roleSid, scope });
  expectStatus(assigned, 201, `POST /org/users/${id}/roles`);
  step(name, `POST /org/users/:id/roles → 201 ${assigned.json.sid}: ${roleSid} on ${scope}`);

  const listed = await call('GET', '/org/users');
  expectStatus(listed, 200, 'GET /org/users');
  const names = listed.json.users.map((user) => user.userName);
  if (!names.includes(userName)) throw new Error(`${name} GET /org/users misses ${userName}`);
  step(name, `GET /org/users     → ${names.length} user(s): ${names.join(', ')}`);
}
