// The page's only stylesheet and script, served from the page's own origin so the CSP can forbid
// every inline script and style.

export const STYLESHEET = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1b1f24; background: #f4f5f7; }
header { background: #16324f; color: #fff; padding: .7rem 1.2rem; display: flex; gap: 1rem; align-items: center; }
header h1 { font-size: 1.1rem; margin: 0; flex: 1; }
header h1 a { border: 0; padding: 0; }
header a, header button { color: #fff; background: none; border: 1px solid #fff6; border-radius: 4px; padding: .2rem .6rem; font: inherit; cursor: pointer; text-decoration: none; }
main { padding: 1rem 1.2rem; max-width: 60rem; }
.find { margin-bottom: .6rem; } .find input { width: 16rem; } .find button { font: inherit; }
.run { background: #fff; border: 1px solid #d5d9de; border-radius: 6px; padding: .8rem 1rem; margin-bottom: 1rem; }
.run h2 { font-size: 1rem; margin: 0 0 .4rem; font-family: ui-monospace, monospace; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; margin: 0 0 .6rem; }
dt { color: #57606a; } dd { margin: 0; }
fieldset { border: 1px solid #d5d9de; border-radius: 4px; margin: 0 0 .6rem; }
legend { font-weight: 600; } .type { font-size: .75rem; color: #57606a; font-weight: normal; }
.option { margin: .2rem 0; } .image-options .option { display: inline-block; margin-right: 1rem; text-align: center; }
.image-options img { display: block; margin: .2rem auto; }
img { max-width: 12rem; max-height: 8rem; min-width: 3rem; min-height: 3rem; image-rendering: pixelated; border: 1px solid #d5d9de; vertical-align: middle; margin: .2rem 0; }
button[type=submit] { background: #16324f; color: #fff; border: 0; border-radius: 4px; padding: .4rem 1rem; font: inherit; cursor: pointer; }
.result { border-radius: 6px; padding: .7rem 1rem; margin-bottom: 1rem; border: 1px solid; }
.result.accepted { background: #e8f5ec; border-color: #4a9d63; } .result.rejected { background: #fdecec; border-color: #c94a4a; }
.note, .empty { color: #57606a; } .problem { color: #a3302a; }
.left { font-weight: 600; } .left.expired { color: #a3302a; }
`;

/** Reloads every few seconds so the queue stays current, but never while the agent is filling in a form. */
export const REFRESH_SCRIPT = `
let busy = false;
document.addEventListener('input', () => { busy = true; });
document.addEventListener('focusin', (e) => { if (e.target.closest && e.target.closest('form.answers')) busy = true; });
function left(deadline) {
  const s = Math.floor((Date.parse(deadline) - Date.now()) / 1000);
  if (!(s > 0)) return 'expired';
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const pad = (n) => String(n).padStart(2, '0');
  return h > 0 ? h + 'h ' + pad(m) + 'm' : m > 0 ? m + 'm ' + pad(r) + 's' : r + 's';
}
setInterval(() => {
  for (const el of document.querySelectorAll('[data-deadline]')) {
    el.textContent = left(el.dataset.deadline);
    el.classList.toggle('expired', el.textContent === 'expired');
  }
}, 1000);
setInterval(() => { if (!busy) location.reload(); }, 5000);
`;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  'img-src data:',
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');
