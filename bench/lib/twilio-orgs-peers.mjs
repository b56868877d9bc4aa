import { createRequire } from 'node:module';
import { twilioClient } from '@twilio-oauth/twilio';
import { oursManager } from './peers.mjs';
import { sdkProvider, staticBearerProvider } from './twilio-peers.mjs';

const require = createRequire(import.meta.url);
// The SDK is CommonJS without an exports map.
const twilio = require('twilio');
const { version } = require('twilio/package.json');

/**
 * One "Organizations call" of the SDK, the same for every peer: the three list reads in turn
 * (SCIM Users, Accounts, Role Assignments), each one GET of one page, results checked.
 */
function orgCalls(org) {
  const reads = [
    () => org.users.list(),
    () => org.accounts.list({ limit: 50 }),
    () => org.roleAssignments.list({ limit: 50 }),
  ];
  let turn = 0;
  return {
    list: async () => {
      const items = await reads[turn++ % reads.length]();
      if (!Array.isArray(items)) throw new Error('the SDK returned no list');
    },
  };
}

/** The stock SDK with `provider`, its requests to Twilio's hosts (nock forwards them). */
function sdkPeer(provider, target) {
  const client = new twilio.Twilio();
  client.setCredentialProvider(provider);
  return {
    ...orgCalls(client.previewIam.organization(target.organizationSid)),
    close: async () => {},
  };
}

/**
 * The official SDK's own way to the Organizations API: `OrgsCredentialProvider`. Its requests go
 * to oauth.twilio.com and preview-iam.twilio.com, so the worker must have `forwardTwilioTo(mock)`
 * (nock) in place. `target` as in peers.mjs, with the organization app's `organizationSid`.
 */
export const ORGS_SDK_PEERS = {
  'twilio-orgs': {
    label: `twilio ${version} SDK, OrgsCredentialProvider`,
    create: async (target) =>
      sdkPeer(sdkProvider(twilio.OrgsCredentialProviderBuilder, target), target),
  },
  'twilio-orgs-static': {
    label: `twilio ${version} SDK, static bearer, through nock (reference)`,
    // Same SDK and interception path, no token management: what that path costs per call.
    create: async (target) => sdkPeer(await staticBearerProvider(target), target),
  },
};

/** The official SDK through @twilio-oauth/twilio, reaching the mock on loopback directly. */
export const ORGS_BRIDGE_PEERS = {
  'twilio-orgs-bridge': {
    label: `twilio ${version} SDK through @twilio-oauth/twilio (no accountSid)`,
    create: async (target, options) => {
      const manager = oursManager(target, options);
      const client = twilioClient(manager, { apiBaseUrl: target.url });
      const org = client.previewIam.organization(target.organizationSid);
      return { manager, ...orgCalls(org), close: () => manager.close() };
    },
  },
};
