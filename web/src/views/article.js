// One article: its text with the evidence sentence of every event highlighted and the trigger in
// bold, beside the list of its events. Overlapping spans are cut into segments, each marked with
// the events that cover it. Article text is untrusted: only text nodes are made from it.
import { api } from "../api.js";
import { h } from "../dom.js";
import { eventLine, notice } from "./common.js";
import { typeColor } from "../colors.js";

function segments(text, spans) {
  const cuts = new Set([0, text.length]);
  for (const s of spans) {
    for (const v of [s.start, s.end, s.trigger_start, s.trigger_end]) {
      if (Number.isInteger(v) && v >= 0 && v <= text.length) cuts.add(v);
    }
  }
  const pts = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < pts.length - 1; i++) {
    const [a, b] = [pts[i], pts[i + 1]];
    const covering = spans.filter((s) => s.start <= a && b <= s.end);
    const trigger = covering.some((s) => s.trigger_start <= a && b <= s.trigger_end);
    out.push({ a, b, covering, trigger });
  }
  return out;
}

export async function articleView(el, id, params) {
  const wanted = params.get("event");
  let body;
  try {
    body = await api(`articles/${encodeURIComponent(id)}`);
  } catch (err) {
    el.appendChild(notice(err, "Articles"));
    return;
  }
  const { article, events, spans } = body;
  const text = article.text || "";
  const paras = [];
  let para = [];
  for (const seg of segments(text, spans)) {
    // paragraphs split on blank lines, inside or outside marks
    const pieces = text.slice(seg.a, seg.b).split(/\n{2,}/);
    pieces.forEach((piece, i) => {
      if (i > 0) {
        paras.push(para);
        para = [];
      }
      if (!piece) return;
      if (!seg.covering.length) return para.push(piece);
      const ids = seg.covering.map((s) => s.event_id);
      const mark = h("mark", {
        class: `evidence${ids.includes(wanted) ? " current" : ""}`,
        dataset: { events: ids.join(" ") },
        style: { borderBottomColor: typeColor(seg.covering[0].event_type) },
        title: seg.covering.map((s) => s.event_type).join(", "),
      }, seg.trigger ? h("strong", { class: "trigger" }, piece) : piece);
      para.push(mark);
    });
  }
  paras.push(para);

  const meta = [
    article.outlet,
    article.published ? `published ${article.published}${article.published_basis ? ` (${article.published_basis})` : ""}` : "no date",
    (article.authors || []).length ? `by ${article.authors.join(", ")}` : null,
    article.fetched ? `fetched ${article.fetched}` : null,
  ].filter(Boolean).join(" · ");
  const url = article.url ? h("a", { href: article.url, rel: "noopener noreferrer nofollow", target: "_blank", class: "url" }, article.url) : null;
  const textEl = h("div", { class: "article-text", id: "article-text" }, paras.filter((p) => p.length).map((p) => h("p", {}, p)));
  const list = h("ol", { class: "events" }, events.map((ev) =>
    h("li", { class: `event${ev.id === wanted ? " current" : ""}`, dataset: { id: ev.id, type: ev.event_type }, onclick: () => focus(ev.id) }, eventLine(ev, { link: false })),
  ));
  const removed = (article.removed || []).length
    ? h("details", { class: "removed" }, h("summary", {}, `${article.removed.length} boilerplate line(s) removed`), h("ul", {}, article.removed.map((r) => h("li", {}, r))))
    : null;

  el.append(
    h("article", { class: "article-view" },
      h("h1", { id: "article-title" }, article.title || "(untitled)"),
      h("div", { class: "meta" }, meta, " ", url),
      h("div", { class: "columns" }, textEl, h("aside", {}, h("h2", {}, `${events.length} events`), list)),
      removed,
      h("div", { class: "meta" }, `article id ${article.id} · ref ${article.ref || "?"}`),
    ),
  );

  function focus(eventId) {
    for (const m of textEl.querySelectorAll("mark.evidence")) m.classList.toggle("current", m.dataset.events.split(" ").includes(eventId));
    for (const li of list.children) li.classList.toggle("current", li.dataset.id === eventId);
    textEl.querySelector("mark.current")?.scrollIntoView({ block: "center", behavior: "smooth" });
  }
  if (wanted) focus(wanted);
}
