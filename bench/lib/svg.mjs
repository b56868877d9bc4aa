// Hand-written SVG, no dependency: two horizontal bar panels per peer, from results JSON.

const COLORS = ['#2563eb', '#f59e0b'];
const ROW = 44;
const BAR = 15;
const LABEL_W = 270;
const PANEL_W = 330;
const GAP = 50;

const esc = (text) =>
  String(text).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );

function text(x, y, content, attrs = '') {
  return `<text x="${x}" y="${y}" ${attrs}>${esc(content)}</text>`;
}

/** A panel of grouped horizontal bars; `scale` maps a value to 0..1 of the width. */
function panel({ x, y, title, series, rows, scale, ticks, format }) {
  const out = [text(x, y - 30, title, 'font-weight="bold"')];
  for (const tick of ticks) {
    const tx = x + scale(tick) * PANEL_W;
    out.push(
      `<line x1="${tx}" y1="${y - 8}" x2="${tx}" y2="${y + rows.length * ROW}" stroke="#e5e7eb"/>`,
    );
    out.push(
      text(tx, y + rows.length * ROW + 14, format(tick), 'text-anchor="middle" fill="#6b7280"'),
    );
  }
  rows.forEach((row, i) => {
    series.forEach((_name, j) => {
      const value = row.values[j];
      const by = y + i * ROW + j * (BAR + 2);
      if (value === null || value === undefined) {
        out.push(text(x + 4, by + BAR - 3, 'n/a', 'fill="#6b7280"'));
        return;
      }
      const w = Math.max(1.5, scale(value) * PANEL_W);
      out.push(
        `<rect x="${x}" y="${by}" width="${w.toFixed(1)}" height="${BAR}" fill="${COLORS[j]}"/>`,
      );
      out.push(text(x + w + 4, by + BAR - 3, format(value, true)));
    });
  });
  series.forEach((s, j) => {
    const ly = y + rows.length * ROW + 30 + j * 16;
    out.push(`<rect x="${x}" y="${ly - 10}" width="10" height="10" fill="${COLORS[j]}"/>`);
    out.push(text(x + 16, ly, s));
  });
  return out.join('\n');
}

/**
 * Token requests and mean time per call, per peer, from `results.sections.peers`.
 * Token requests on a linear axis (0…calls); time on a log axis (twilio is two
 * orders of magnitude slower than the rest).
 */
export function peersChart(results) {
  const peers = results.sections.peers;
  if (!peers) return null;
  const rows = peers.peers;
  const calls = peers.calls;
  const top = 104;
  const height = top + rows.length * ROW + 90;
  const width = LABEL_W + 2 * PANEL_W + GAP + 120;
  const maxMs = Math.max(
    ...rows.flatMap((r) => [
      r.scenarios.sequentialSlowToken.meanMsPerCall,
      r.scenarios.steadySlowToken.meanMsPerCall,
    ]),
  );
  const minLog = -1;
  const maxLog = Math.ceil(Math.log10(maxMs));
  const logScale = (v) => (Math.log10(Math.max(v, 10 ** minLog)) - minLog) / (maxLog - minLog);
  const logTicks = [];
  for (let e = minLog; e <= maxLog; e++) logTicks.push(10 ** e);

  const body = [
    text(
      16,
      28,
      `Token requests and mean time per Messages.json call, per peer (${results.mode} run, ${results.machine.date.slice(0, 10)})`,
      'font-size="15" font-weight="bold"',
    ),
    text(
      16,
      48,
      `${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}; load at start ${results.sections.peers.load?.start?.join(' / ') ?? 'n/a'}`,
      'fill="#6b7280"',
    ),
    ...rows.map((r, i) =>
      text(
        LABEL_W - 10,
        top + i * ROW + BAR + 2,
        r.label,
        `text-anchor="end"${r.reference ? ' fill="#6b7280" font-style="italic"' : ''}`,
      ),
    ),
    panel({
      x: LABEL_W,
      y: top,
      title: `Token requests for ${calls} cold calls`,
      series: [`${calls} sequential`, `${calls} concurrent`],
      rows: rows.map((r) => ({
        values: [r.scenarios.sequential.tokenRequests, r.scenarios.concurrent.tokenRequests],
      })),
      scale: (v) => v / calls,
      ticks: [0, calls / 2, calls],
      format: (v) => String(v),
    }),
    panel({
      x: LABEL_W + PANEL_W + GAP,
      y: top,
      title: `Mean ms per call, token endpoint +${peers.tokenDelayMs} ms (log)`,
      series: [`${calls} sequential, cold`, `${calls} sequential, token held`],
      rows: rows.map((r) => ({
        values: [
          r.scenarios.sequentialSlowToken.meanMsPerCall,
          r.scenarios.steadySlowToken.meanMsPerCall,
        ],
      })),
      scale: logScale,
      ticks: logTicks,
      format: (v, bar) => (bar ? v.toFixed(v < 10 ? 2 : 1) : String(v)),
    }),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
