import { randomBytes } from 'node:crypto';
import { startMockServer } from '@twilio-oauth/mock-server';
import { startWorker } from '../lib/ipc.mjs';
import { FORWARDING_NOTE } from '../lib/nock-forward.mjs';
import {
  initPeerWorkers,
  peerOpener,
  runRounds,
  SCENARIO,
  summarizePeer,
  TOKEN_DELAY_MS,
} from '../lib/rounds.mjs';
import { median } from '../lib/stats.mjs';
import { mockTarget } from '../lib/target.mjs';
import { ORGS_BRIDGE_PEERS, ORGS_SDK_PEERS } from '../lib/twilio-orgs-peers.mjs';

const WORKER = new URL('./peers.worker.mjs', import.meta.url);

/** Peers in table order; `worker` says which child holds them (the SDK's has nock installed). */
const ORDER = [
  ['twilio-orgs-bridge', 'main'],
  ['twilio-orgs', 'twilio'],
  ['twilio-orgs-static', 'twilio'],
];

/** Each run starts from a new client; `warm` ones make one call before the timed ones. */
const SCENARIOS = [
  SCENARIO.sequential,
  SCENARIO.concurrent,
  SCENARIO.sequentialSlowToken,
  SCENARIO.steadySlowToken,
];

const hex = (bytes) => randomBytes(bytes).toString('hex');

/** An organization with a few users, accounts and role assignments, so that lists are not empty. */
async function seed(mock, target) {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: target.clientId,
    client_secret: target.clientSecret,
  });
  const { access_token } = await (
    await fetch(mock.tokenUrl, { method: 'POST', body: form })
  ).json();
  const orgUrl = `${mock.apiBaseUrl}/Organizations/${target.organizationSid}`;
  const post = (path, body) =>
    fetch(`${orgUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  for (let i = 0; i < 5; i++) {
    const userName = `user${i}@example.com`;
    const user = await (
      await post('/scim/Users', { userName, emails: [{ value: userName }] })
    ).json();
    await post('/RoleAssignments', {
      role_sid: `IX${hex(16)}`,
      scope: mock.accountSid,
      identity: user.id,
    });
  }
  for (let i = 0; i < 3; i++) mock.addOrganizationAccount(target.organizationSid, `Account ${i}`);
}

/**
 * The SDK's Organizations calls (SCIM Users, Accounts and Role Assignments lists in turn) through
 * @twilio-oauth/twilio against the SDK's own `OrgsCredentialProvider`: token requests for `calls`
 * calls and the time per call, from a cold client, with a normal and a 50 ms token endpoint.
 * Counts are the mock's own, as differences around each run (the seeded state stays).
 */
export async function runOrgs({ smoke, log }) {
  const calls = smoke ? 10 : 100;
  const rounds = smoke ? 1 : 3;
  const organizationSid = `OR${hex(16)}`;
  const mock = await startMockServer({
    clients: [{ clientId: `OQ${hex(16)}`, clientSecret: hex(24), organizationSid }],
  });
  const target = mockTarget(mock);
  const workers = { main: startWorker(WORKER), twilio: startWorker(WORKER) };
  try {
    await seed(mock, target);
    await initPeerWorkers(workers, target);
    const open = peerOpener({ workers, order: ORDER, mock });
    const runOnce = (peer, scenario, n) =>
      open(peer, async (worker, id) => {
        mock.setFaults(scenario.faults);
        if (scenario.warm) await worker.call('sequential', { id, calls: 1 });
        const before = mock.stats();
        const { elapsedMs } = await worker.call(scenario.mode, { id, calls: n });
        const after = mock.stats();
        return {
          elapsedMs,
          tokenRequests: after.tokenRequests - before.tokenRequests,
          organizationsRequests: after.organizationsRequests - before.organizationsRequests,
          rejected: after.rejectedOrganizationsRequests - before.rejectedOrganizationsRequests,
        };
      });

    const plan = { order: ORDER, scenarios: SCENARIOS, rounds, calls, log };
    const raw = await runRounds('orgs', plan, runOnce);

    const labels = { ...ORGS_BRIDGE_PEERS, ...ORGS_SDK_PEERS };
    const peers = ORDER.map(([peer]) => {
      const scenarios = summarizePeer(raw[peer], calls, (runs) => ({
        organizationsRequests: median(runs.map((run) => run.organizationsRequests)),
        rejected: runs.reduce((sum, run) => sum + run.rejected, 0),
      }));
      return { peer, label: labels[peer].label, reference: peer.endsWith('-static'), scenarios };
    });
    return { calls, rounds, tokenDelayMs: TOKEN_DELAY_MS, forwarding: FORWARDING_NOTE, peers };
  } finally {
    await Promise.all(Object.values(workers).map((worker) => worker.close()));
    await mock.close();
  }
}
