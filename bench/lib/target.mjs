/** What a worker needs to reach the mock server as one of its clients (index `i`). */
export function mockTarget(mock, i = 0) {
  const client = mock.clients[i];
  return {
    url: mock.url,
    tokenUrl: mock.tokenUrl,
    accountSid: mock.accountSid,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    // Set for an organization app (the Organizations section's client).
    organizationSid: client.organizationSid,
  };
}
