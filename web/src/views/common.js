// Pieces several views share: the type badge, actor and place text, and the error notice.
import { h } from "../dom.js";
import { typeColor } from "../colors.js";

export function badge(type) {
  return h("span", { class: "badge", style: { background: typeColor(type) } }, type || "?");
}

export function actors(list) {
  return (list || []).map((a) => a.name || a.text).filter(Boolean).join(", ") || "?";
}

export function place(loc) {
  if (!loc) return "no place";
  const name = loc.name || loc.text || "?";
  return loc.country ? `${name} (${loc.country})` : name;
}

export function notice(err, what) {
  if (err && err.status === 501) {
    return h("div", { class: "notice" }, `${what} are not available on this server yet. `, h("small", {}, err.message));
  }
  if (err && err.status === 401) {
    return h("div", { class: "notice error" }, "This server's data is private: enter its read token at the top right.");
  }
  return h("div", { class: "notice error" }, `Could not load ${what.toLowerCase()}: ${err?.message || err}`);
}

export function eventLine(ev, { link = true } = {}) {
  const dt = ev.date?.value || "undated";
  const title = [badge(ev.event_type), " ", h("span", { class: "date" }, dt), " · ", h("span", { class: "place" }, place(ev.location))];
  const who = h("div", { class: "who" }, `${actors(ev.source)} → ${actors(ev.target)}`);
  const said = ev.attribution?.text ? h("div", { class: "said" }, `says: ${ev.attribution.text}${ev.attribution.via ? ` (via ${ev.attribution.via})` : ""}`) : null;
  const sentence = h("blockquote", { class: "sentence" }, sentenceWithTrigger(ev));
  const open = link ? h("a", { href: `#/article/${ev.article_id}?event=${ev.id}`, class: "open" }, "open article ›") : null;
  return [h("div", { class: "line" }, title), who, said, sentence, open];
}

function sentenceWithTrigger(ev) {
  const e = ev.evidence || {};
  const s = e.sentence || "";
  const a = (e.trigger_start ?? -1) - (e.start ?? 0);
  const b = (e.trigger_end ?? -1) - (e.start ?? 0);
  if (a < 0 || b <= a || b > s.length) return s;
  return [s.slice(0, a), h("strong", {}, s.slice(a, b)), s.slice(b)];
}
