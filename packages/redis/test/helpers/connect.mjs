// One way to open each client the store accepts, for the tests, their child
// processes and the bench. Only the client asked for is loaded.
// JavaScript (typed by connect.d.mts) so that plain Node processes can load it.

const quiet = (client) => {
  client.on('error', () => {});
  return client;
};

export async function connect(kind, { redisUrl, upstash, rootNodes = [] }) {
  const nodes = rootNodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` }));
  switch (kind) {
    case 'ioredis':
    case 'iovalkey':
    case 'ioredis-cluster':
    case 'iovalkey-cluster': {
      const { Redis, Cluster } = await import(kind.startsWith('ioredis') ? 'ioredis' : 'iovalkey');
      const client = quiet(
        kind.endsWith('-cluster') ? new Cluster([...rootNodes]) : new Redis(redisUrl),
      );
      if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
      return { kind, client, close: async () => client.disconnect() };
    }
    case 'node-redis-4':
    case 'node-redis-5':
    case 'node-redis-6':
    case 'node-redis-5-cluster':
    case 'node-redis-6-cluster': {
      const major = kind.slice('node-redis-'.length, 'node-redis-'.length + 1);
      const { createClient, createCluster } = await import(
        major === '5' ? 'redis' : `redis${major}`
      );
      const client = quiet(
        kind.endsWith('-cluster')
          ? createCluster({ rootNodes: nodes })
          : createClient({ url: redisUrl }),
      );
      await client.connect();
      // v4 has no destroy(): disconnect() ends it at once.
      const close = async () => (client.destroy ? client.destroy() : client.disconnect());
      return { kind, client, close };
    }
    case 'upstash': {
      if (!upstash) throw new Error('the Upstash REST fixture is not started');
      const { Redis } = await import('@upstash/redis');
      return { kind, client: new Redis({ ...upstash, retry: false }), close: async () => {} };
    }
    default:
      throw new Error(`unknown client kind ${kind}`);
  }
}
