export { startMockServer } from './server.js';
export type {
  Fault,
  Faults,
  MockClient,
  MockClientStats,
  MockMessage,
  MockServer,
  MockServerOptions,
  MockStats,
} from './types.js';
