// The control bar's look, styleable from the page through CSS custom properties on the element:
// --edgestream-accent, --edgestream-fg, --edgestream-bar-bg, --edgestream-menu-bg, --edgestream-font,
// --edgestream-radius, --edgestream-focus. Parts (::part) for everything else: controls, button,
// seek, time, menu, preview.
export const CONTROLS_CSS = `
:host{position:relative;container-type:inline-size;--_accent:var(--edgestream-accent,#4f8cff);--_fg:var(--edgestream-fg,#fff);--_focus:var(--edgestream-focus,#ffd24a);--_r:var(--edgestream-radius,6px)}
.bar{position:absolute;left:0;right:0;bottom:0;display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;padding:24px 10px 8px;
 font:500 13px/1.2 var(--edgestream-font,system-ui,sans-serif);color:var(--_fg);
 background:var(--edgestream-bar-bg,linear-gradient(transparent,rgba(0,0,0,.75)));transition:opacity .2s}
:host([data-idle]) .bar{opacity:0}
.seek{flex:1 0 100%;position:relative;display:flex}
input[type=range]{accent-color:var(--_accent);margin:0;cursor:pointer;height:20px}
.seek input{flex:1}
.vol{width:72px}
button,select{font:inherit;color:inherit;background:transparent;border:0;border-radius:var(--_r);min-width:32px;height:32px;padding:0 6px;cursor:pointer}
select{background:var(--edgestream-menu-bg,rgba(0,0,0,.35))}
option{color:#111;background:#fff}
button:hover,select:hover{background:rgba(255,255,255,.15)}
:focus-visible{outline:2px solid var(--_focus);outline-offset:2px}
svg{width:20px;height:20px;fill:currentColor;vertical-align:middle}
.time{font-variant-numeric:tabular-nums;white-space:nowrap}
.spacer{flex:1}
.preview{position:absolute;bottom:28px;transform:translateX(-50%);pointer-events:none;display:grid;justify-items:center;gap:2px;
 font-variant-numeric:tabular-nums;text-shadow:0 1px 2px #000}
.preview[hidden]{display:none}
.frame{border:2px solid var(--_fg);border-radius:4px;background-repeat:no-repeat;box-shadow:0 2px 8px rgba(0,0,0,.5)}
.frame[hidden]{display:none}
@container (max-width:480px){.bar{gap:2px;padding:16px 4px 4px}.vol{display:none}button{min-width:28px;padding:0 4px}select{padding:0;font-size:12px}.time{font-size:11px;padding:0 2px}}
`;
