// A real Redis Cluster for the tests and the bench: `redis-server --cluster-enabled yes`
// children on free loopback ports, joined by `redis-cli --cluster create`.
// JavaScript (typed by cluster.d.mts) so that the bench can load it too.
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { startOwnRedis } from './own-redis.mjs';

const CLUSTER_ARGS = [
  '--cluster-enabled',
  'yes',
  '--cluster-config-file',
  'nodes.conf',
  '--cluster-node-timeout',
  '2000',
  '--cluster-announce-ip',
  '127.0.0.1',
  // A new replica syncs at once instead of waiting 5 s for more replicas to join.
  '--repl-diskless-sync-delay',
  '0',
];

function redisCli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`redis-cli ${args[0]} failed: ${output}`)),
    );
  });
}

/** Polls `check` (every 50 ms, 15 s at most): waiting for a cluster to settle, not for time to pass. */
export async function until(what, check) {
  const deadline = Date.now() + 15_000;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`cluster: ${what} not reached in 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startCluster(masters = 3) {
  const nodes = await Promise.all(
    Array.from({ length: masters }, () => startOwnRedis(CLUSTER_ARGS)),
  );
  const admins = new Map();
  const admin = (node) => {
    let client = admins.get(node);
    if (!client) {
      client = new Redis(node.url, { maxRetriesPerRequest: 1 });
      client.on('error', () => {});
      admins.set(node, client);
    }
    return client;
  };
  const waitUntilOk = (expected = nodes.length) =>
    until('cluster_state:ok', async () => {
      for (const node of nodes) {
        const info = String(await admin(node).call('CLUSTER', 'INFO'));
        if (!info.includes('cluster_state:ok')) return false;
        if (!info.includes(`cluster_known_nodes:${expected}`)) return false;
      }
      return true;
    });

  await redisCli([
    '--cluster',
    'create',
    ...nodes.map((node) => `127.0.0.1:${node.port}`),
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  await waitUntilOk();

  return {
    get nodes() {
      return nodes;
    },
    get rootNodes() {
      return nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
    },
    admin,
    waitUntilOk,
    addReplica: async (master) => {
      const replica = await startOwnRedis(CLUSTER_ARGS);
      nodes.push(replica);
      const masterId = String(await admin(master).call('CLUSTER', 'MYID'));
      await admin(replica).call('CLUSTER', 'MEET', '127.0.0.1', String(master.port));
      await until('the replica known to its master', async () =>
        String(await admin(master).call('CLUSTER', 'NODES')).includes(`:${replica.port}@`),
      );
      await until('the replica attached', async () => {
        await admin(replica).call('CLUSTER', 'REPLICATE', masterId);
        return true;
      });
      await until('the replica in sync', async () =>
        String(await admin(replica).info('replication')).includes('master_link_status:up'),
      );
      await waitUntilOk();
      // Masters vote for a failover only once gossip has told them who this replica serves.
      await until('every node knowing the replica', async () => {
        for (const node of nodes) {
          const line = String(await admin(node).call('CLUSTER', 'NODES'))
            .split('\n')
            .find((entry) => entry.includes(`:${replica.port}@`));
          if (!line?.includes('slave') || !line.includes(masterId)) return false;
        }
        return true;
      });
      return replica;
    },
    dispose: async () => {
      for (const client of admins.values()) client.disconnect();
      await Promise.all(nodes.map((node) => node.dispose()));
    },
  };
}
