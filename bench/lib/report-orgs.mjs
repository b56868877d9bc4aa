// The Organizations section of latest.md: the SDK's Organizations calls through the bridge
// against the SDK's own OrgsCredentialProvider.

function table(headers, rows) {
  const line = (cells) => `| ${cells.map((c) => String(c ?? '—')).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Markdown for `results.sections.orgs`. */
export function orgsSection(orgs) {
  const n = orgs.calls;
  const d = orgs.tokenDelayMs;
  const s = (p, key) => p.scenarios[key];
  const req = (p, key) => {
    const [min, max] = s(p, key).tokenRequestsRange;
    return min === max ? String(max) : `${s(p, key).tokenRequests} (${min}–${max})`;
  };
  const name = (p) => (p.reference ? `_${p.label}_` : p.label);
  return [
    `## Organizations API through the twilio SDK (load ${orgs.load.start.join(' / ')} → ${orgs.load.end.join(' / ')}, ${orgs.durationS} s)`,
    '',
    `One "call" is the next of \`users.list()\`, \`accounts.list()\`, \`roleAssignments.list()\` on`,
    '`client.previewIam.organization(sid)` (one GET of one page each), against one mock server on',
    `loopback with an organization app. Each run starts from a new client (cold) unless "token held";`,
    `medians of ${orgs.rounds} rounds; token and API requests counted by the mock. ${orgs.forwarding}`,
    '',
    table(
      [
        'peer',
        `token requests, ${n} seq`,
        `${n} concurrent`,
        `${n} seq, token +${d} ms`,
        `${n} seq, token held, +${d} ms`,
        'mean ms/call, seq',
        `mean ms/call, token +${d} ms`,
        `mean ms/call, token held, +${d} ms`,
      ],
      orgs.peers.map((p) => [
        name(p),
        req(p, 'sequential'),
        req(p, 'concurrent'),
        req(p, 'sequentialSlowToken'),
        req(p, 'steadySlowToken'),
        s(p, 'sequential').meanMsPerCall,
        s(p, 'sequentialSlowToken').meanMsPerCall,
        s(p, 'steadySlowToken').meanMsPerCall,
      ]),
    ),
  ].join('\n');
}
