// The widget's styles, inside its shadow root so a clinic's page and the widget
// cannot restyle each other. Colours meet WCAG AA (the configured colour goes
// through contrast.ts); motion only when the visitor has not asked for less.

import type { Palette } from "./contrast";

export function css(colors: Palette): string {
  return `
:host { all: initial; }
.cc {
  --brand: ${colors.brand};
  --on-brand: ${colors.onBrand};
  --accent: ${colors.accent};
  --ink: #1b2326;
  --muted: #4d5a61;
  --surface: #ffffff;
  --bubble: #f3f5f6;
  --line: #c9d1d5;
  --staff: #fff4dc;
  --staff-ink: #5e4300;
  --danger: #a4161a;
  --danger-bg: #fdeceb;
  --danger-ink: #5c1410;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink);
  position: fixed;
  bottom: 16px;
  right: 16px;
  z-index: 2147483000;
  -webkit-text-size-adjust: 100%;
}
.cc[data-position="left"] { right: auto; left: 16px; }
.cc *, .cc *::before, .cc *::after { box-sizing: border-box; }
.cc [hidden] { display: none !important; }
.sr {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
button, textarea, a { font: inherit; }
button { cursor: pointer; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.launcher {
  display: inline-flex; align-items: center; gap: 8px;
  min-height: 52px; padding: 12px 20px; border: 2px solid var(--surface);
  border-radius: 999px; background: var(--brand); color: var(--on-brand);
  font-weight: 600; box-shadow: 0 4px 16px rgba(0, 0, 0, 0.25);
}
.launcher svg { width: 22px; height: 22px; flex: none; }
.badge {
  min-width: 24px; padding: 0 6px; border-radius: 999px;
  background: var(--surface); color: var(--ink); font-size: 14px; line-height: 24px;
}
.panel {
  display: flex; flex-direction: column;
  width: 384px; height: min(640px, calc(100vh - 32px));
  background: var(--surface); border: 1px solid var(--line); border-radius: 16px;
  box-shadow: 0 8px 32px rgba(0, 0, 0, 0.22); overflow: hidden;
}
.minimised .panel { height: auto; }
.minimised .body { display: none; }
.header {
  display: flex; align-items: center; gap: 8px; padding: 8px 8px 8px 16px;
  background: var(--brand); color: var(--on-brand);
}
.titles { flex: 1; min-width: 0; }
.title { margin: 0; font-size: 17px; font-weight: 700; line-height: 1.3; }
.subtitle { margin: 0; font-size: 14px; }
.icon {
  width: 44px; height: 44px; flex: none; display: inline-grid; place-items: center;
  border: 0; border-radius: 8px; background: transparent; color: inherit;
  font-size: 24px; line-height: 1;
}
.icon:hover { background: rgba(127, 127, 127, 0.25); }
.header :focus-visible { outline-color: var(--on-brand); outline-offset: -4px; }
.body { display: flex; flex-direction: column; flex: 1; min-height: 0; }
.crisis {
  margin: 0; padding: 12px 16px; background: var(--danger-bg); color: var(--danger-ink);
  border-bottom: 3px solid var(--danger); max-height: 45%; overflow-y: auto;
}
.crisis h3 { margin: 0 0 4px; font-size: 16px; }
.crisis p { margin: 0 0 8px; }
.calls { display: flex; flex-wrap: wrap; gap: 8px; }
.call {
  display: inline-flex; align-items: center; min-height: 44px; padding: 8px 14px;
  border-radius: 8px; background: var(--danger); color: #ffffff; font-weight: 600;
  text-decoration: none;
}
.call:focus-visible { outline-color: var(--danger-ink); }
.crisis details { margin-top: 8px; }
.crisis a:not(.call) { color: var(--danger-ink); font-weight: 700; }
.crisis summary { padding: 10px 0; cursor: pointer; font-weight: 600; }
.crisis ul { margin: 4px 0 0; padding-left: 20px; }
.crisis :focus-visible { outline-color: var(--danger-ink); }
.status { padding: 0 16px; color: var(--muted); font-size: 15px; }
.status:not(:empty) { padding: 6px 16px; border-bottom: 1px solid var(--line); }
.log {
  flex: 1; min-height: 0; overflow-y: auto; padding: 16px;
  display: flex; flex-direction: column; gap: 10px; overscroll-behavior: contain;
}
.welcome {
  padding: 12px 14px; border: 1px solid var(--line); border-radius: 12px;
  background: var(--surface); color: var(--ink);
}
.welcome p { margin: 0 0 8px; }
.welcome p:last-child { margin: 0; }
.welcome a, .msg a { color: var(--accent); text-decoration: underline; }
.row { display: flex; flex-direction: column; align-items: flex-start; gap: 2px; }
.row.user { align-items: flex-end; }
.welcome .small { color: var(--muted); font-size: 15px; }
.msg {
  max-width: 88%; padding: 10px 14px; border-radius: 16px;
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.msg.bot { background: var(--bubble); border-bottom-left-radius: 4px; }
.msg.staff { background: var(--staff); border-bottom-left-radius: 4px; }
.msg.user {
  background: var(--brand); color: var(--on-brand);
  border-bottom-right-radius: 4px;
}
.msg.user a { color: inherit; }
.who { display: block; margin-bottom: 2px; font-size: 14px; font-weight: 700; color: var(--staff-ink); }
.note {
  align-self: stretch; padding: 8px 12px; border-left: 4px solid var(--danger);
  background: var(--danger-bg); color: var(--danger-ink); font-size: 15px;
}
.pending { color: var(--muted); font-size: 14px; }
.rate { display: flex; gap: 4px; }
.rate button {
  display: inline-grid; place-items: center; min-width: 44px; min-height: 44px; padding: 0;
  border: 1px solid transparent; border-radius: 999px; background: transparent;
  font-size: 18px; line-height: 1; color: var(--muted);
}
.rate button:hover { background: var(--bubble); border-color: var(--line); }
.rated { margin: 0; padding: 6px 2px; color: var(--muted); font-size: 14px; }
.replies { display: flex; flex-wrap: wrap; gap: 8px; }
.reply {
  display: inline-flex; align-items: center; min-height: 44px; padding: 8px 14px;
  border: 2px solid var(--accent); border-radius: 999px; background: var(--surface);
  color: var(--accent); font-weight: 600; text-align: left; text-decoration: none;
}
.reply:hover { background: var(--bubble); }
.typing { display: flex; gap: 4px; align-self: flex-start; padding: 14px; border-radius: 16px; background: var(--bubble); }
.typing span { width: 8px; height: 8px; border-radius: 50%; background: var(--muted); }
.composer { display: flex; gap: 8px; align-items: flex-end; padding: 12px; border-top: 1px solid var(--line); }
.composer textarea {
  flex: 1; min-height: 48px; max-height: 120px; resize: none; padding: 11px 12px;
  border: 2px solid var(--muted); border-radius: 12px; color: var(--ink); background: var(--surface);
  font-size: 16px; line-height: 1.4;
}
.composer textarea::placeholder { color: var(--muted); opacity: 1; }
.composer textarea:focus-visible { outline-offset: 0; border-color: var(--accent); }
.send {
  min-width: 64px; min-height: 48px; padding: 0 16px; border: 0; border-radius: 12px;
  background: var(--brand); color: var(--on-brand); font-weight: 700;
}
.foot {
  display: flex; align-items: center; justify-content: space-between;
  gap: 8px; padding: 0 8px 4px 12px; color: var(--muted); font-size: 14px;
}
.link-button {
  min-height: 44px; padding: 0 8px; border: 0; background: transparent;
  color: var(--accent); text-decoration: underline; font-size: 15px;
}
.confirm { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 0 12px 10px; }
.confirm p { margin: 0; flex-basis: 100%; }
.confirm button {
  min-height: 44px; padding: 0 14px; border-radius: 8px; border: 2px solid var(--accent);
  background: var(--surface); color: var(--accent); font-weight: 600;
}
.confirm button.primary { background: var(--accent); color: #ffffff; }
@media (max-width: 480px) {
  .cc { bottom: 12px; right: 12px; }
  .cc[data-position="left"] { left: 12px; }
  .cc.open { inset: 0; }
  .cc.minimised { left: 0; right: 0; bottom: 0; }
  .cc.open .panel, .cc.minimised .panel { width: 100%; border-radius: 0; border: 0; }
  .cc.open .panel { height: 100%; }
  .title { font-size: 16px; }
  .foot, .status, .who, .pending, .subtitle, .note, .link-button, .rated, .welcome .small { font-size: 16px; }
}
@media (prefers-reduced-motion: no-preference) {
  .panel { animation: cc-rise 160ms ease-out; }
  .typing span { animation: cc-blink 1.2s infinite ease-in-out; }
  .typing span:nth-child(2) { animation-delay: 0.2s; }
  .typing span:nth-child(3) { animation-delay: 0.4s; }
  .log { scroll-behavior: smooth; }
}
@keyframes cc-rise { from { opacity: 0; transform: translateY(12px); } to { opacity: 1; transform: none; } }
@keyframes cc-blink { 0%, 80%, 100% { opacity: 0.3; } 40% { opacity: 1; } }
@media (forced-colors: active) {
  .msg, .reply, .launcher, .send, .call, .welcome, .rate button { border: 1px solid CanvasText; }
}
`;
}
