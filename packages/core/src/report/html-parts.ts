/** Building blocks of the HTML report: escaping and inline SVG charts. Nothing here loads anything. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Everything a share's owner chose (file names, sheet names, detector ids from config) goes through here. */
export function escapeHtml(text: string | number | undefined): string {
  if (text === undefined) return '';
  return String(text)
    .replace(/[&<>"']/g, (char) => ENTITIES[char]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const BAR_HEIGHT = 22;
const LABEL_WIDTH = 260;
const BAR_AREA = 380;

/**
 * A horizontal bar chart as an inline SVG with its own title and a text alternative, so it prints, survives
 * e-mail and reads in a screen reader. Labels longer than the label column are cut from the left (a folder's
 * last parts say most).
 */
export function barChart(title: string, entries: readonly [string, number][], color: string): string {
  if (entries.length === 0) return `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption><p class="none">Nothing to show.</p></figure>`;
  const max = Math.max(...entries.map(([, value]) => value), 1);
  const height = entries.length * BAR_HEIGHT + 8;
  const width = LABEL_WIDTH + BAR_AREA + 70;
  const bars = entries
    .map(([label, value], i) => {
      const y = 4 + i * BAR_HEIGHT;
      const barWidth = Math.max(2, Math.round((value / max) * BAR_AREA));
      const shown = label.length > 38 ? `…${label.slice(-37)}` : label;
      return (
        `<text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(shown)}</text>` +
        `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${barWidth}" height="${BAR_HEIGHT - 6}" rx="2" fill="${color}"><title>${escapeHtml(label)}: ${value}</title></rect>` +
        `<text x="${LABEL_WIDTH + barWidth + 6}" y="${y + 15}">${value.toLocaleString('en-US')}</text>`
      );
    })
    .join('');
  const alt = entries.map(([label, value]) => `${label}: ${value}`).join(', ');
  return (
    `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(`${title}: ${alt}`)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${bars}</svg></figure>`
  );
}

export const HTML_STYLE = `
:root{--ink:#1c2430;--muted:#5b6675;--line:#d9dee5;--bg:#f5f7fa;--high:#b42318;--medium:#b54708;--low:#3b6e3b}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
.report{display:flex;flex-direction:column;gap:16px;max-width:1180px;margin:0 auto;padding:24px}
.summary{order:0}.files-head,.file{order:1}.failed-head,.failed{order:3}
section,details.file,.failed-head,.files-head{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0 0 10px}h3{font-size:14px;margin:14px 0 6px}
.meta{color:var(--muted)}.banner{padding:8px 12px;border-radius:6px;margin:8px 0;font-weight:600}
.banner.warn{background:#fef0c7;color:#7a2e0e}.banner.ok{background:#e8f3e8;color:#1e4620}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:14px 0}
.figure{border:1px solid var(--line);border-radius:8px;padding:10px 12px}.figure b{display:block;font-size:26px}
.figure.key{border-color:var(--high)}.figure.key b{color:var(--high)}
.charts{display:flex;flex-wrap:wrap;gap:20px}.chart{margin:0}.chart figcaption{font-weight:600;margin-bottom:4px}
svg text{font:12px system-ui,sans-serif;fill:var(--ink)}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--bg);font-weight:600}td.num,th.num{text-align:right}code,.path{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
.level{font-weight:700}.level.high{color:var(--high)}.level.medium{color:var(--medium)}.level.low{color:var(--low)}
details.file>summary{cursor:pointer;font-weight:600}details.file>summary .meta{font-weight:400}
.none{color:var(--muted);font-style:italic}
@media print{details.file{break-inside:avoid}details.file:not([open])>*:not(summary){display:none}}
`;
