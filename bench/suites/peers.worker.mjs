// Child process of the peers section: holds peer clients and times their calls.
// The parent owns the mock server (its stats and faults) and tells this process what to run.
import { serve } from '../lib/ipc.mjs';
import { nsPerOp } from '../lib/measure.mjs';
import { forwardTwilioTo } from '../lib/nock-forward.mjs';
import { fetchTokenOnce, PEERS } from '../lib/peers.mjs';
import { msSince } from '../lib/stats.mjs';

let target;
let registry = PEERS;
let restoreHttp = () => {};
const open = new Map();
const offsets = new Map();

serve({
  async init(arg) {
    target = arg.target;
    const { ORGS_BRIDGE_PEERS, ORGS_SDK_PEERS } = await import('../lib/twilio-orgs-peers.mjs');
    if (arg.twilio) {
      restoreHttp = forwardTwilioTo(target.url);
      const { TWILIO_PEERS } = await import('../lib/twilio-peers.mjs');
      registry = { ...TWILIO_PEERS, ...ORGS_SDK_PEERS };
    } else {
      // The SDK peers that reach the mock without interception live beside ours.
      const { TWILIO_BRIDGE_PEERS } = await import('../lib/twilio-bridge-peers.mjs');
      registry = { ...PEERS, ...TWILIO_BRIDGE_PEERS, ...ORGS_BRIDGE_PEERS };
    }
    return Object.keys(registry);
  },
  async open({ id, peer, clock }) {
    const factory = registry[peer];
    if (!factory) throw new Error(`unknown peer ${peer}`);
    // A movable clock (ours only) lets the steady-state run cross into the refresh-ahead window.
    offsets.set(id, 0);
    const now = clock ? () => Date.now() + offsets.get(id) : undefined;
    open.set(id, await factory.create(target, { now }));
  },
  async sequential({ id, calls }) {
    const client = use(id);
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await client.list();
    return { elapsedMs: msSince(start) };
  },
  async concurrent({ id, calls }) {
    const client = use(id);
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: calls }, () => client.list()));
    return { elapsedMs: msSince(start) };
  },
  // A bare token request (no client library): what one exchange costs beyond the injected delay.
  async rawToken({ times }) {
    const ms = [];
    for (let i = 0; i < times; i++) {
      const start = process.hrtime.bigint();
      await fetchTokenOnce(target);
      ms.push(msSince(start));
    }
    return ms;
  },
  shiftClock({ id, ms }) {
    offsets.set(id, offsets.get(id) + ms);
  },
  async settled({ id }) {
    await use(id).manager?.settled();
  },
  async close({ id }) {
    await use(id).close();
    open.delete(id);
    offsets.delete(id);
  },
  // Every peer's "get a token when one is held", with the floor, in one tinybench run.
  async cachedGets({ rounds, timeMs, batch }) {
    const { twilioHeldStrategy } = await import('../lib/twilio-peers.mjs');
    const clients = {};
    for (const peer of ['ours', 'badgateway', 'simple-oauth2']) {
      clients[peer] = await PEERS[peer].create(target);
    }
    clients.twilio = await twilioHeldStrategy(target);
    const loops = {};
    for (const [peer, client] of Object.entries(clients)) {
      await client.cachedGet();
      loops[peer] = client.cachedLoop;
    }
    const resolved = Promise.resolve(await clients.ours.cachedGet());
    loops.floor = async (n) => {
      for (let i = 0; i < n; i++) await resolved;
    };
    const results = await nsPerOp(loops, { rounds, timeMs, batch });
    for (const client of Object.values(clients)) await client.close?.();
    results.ours.note = 'manager.getToken()';
    results.badgateway.note = 'OAuth2Fetch.getToken() (async method)';
    results['simple-oauth2'].note = 'hand-written getToken(): token.expired(60) check';
    results.twilio.note =
      'TokenAuthStrategy.fetchToken() on a held strategy (decodes the JWT each call); ' +
      'the SDK never reaches it: it builds a new strategy per request';
    return results;
  },
  async onExit() {
    for (const client of open.values()) await client.close();
    open.clear();
    restoreHttp();
  },
});

function use(id) {
  const client = open.get(id);
  if (!client) throw new Error(`no open client ${id}`);
  return client;
}
