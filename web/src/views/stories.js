// Stories (one real-world event told by many outlets) and a story's provenance tree:
// origin → copies / rewrites, with rewrites that dropped the origin's credit flagged.
// Shapes: GET /api/stories → {stories: [{id, title, first_seen, last_seen, article_count, outlets,
// agencies, independent_sources, events, articles: [{id, outlet, relation, attribution_dropped}]}]};
// GET /api/stories/ID → {story, tree: [{...article, title, children}], event_articles: {event: article}}.
import { api } from "../api.js";
import { h } from "../dom.js";
import { actors, badge, notice, place } from "./common.js";

const FIELDS = ["country", "since", "until"];
const RELATIONS = ["origin", "copy", "rewrite", "independent"];
const day = (v) => (v ? String(v).slice(0, 10) : "");
const stamp = (v) => (v ? String(v).replace("T", " ").slice(0, 16) : "undated"); // day and minute are enough

function relationCounts(articles) {
  const n = {};
  for (const a of articles || []) n[a.relation] = (n[a.relation] || 0) + 1;
  return RELATIONS.filter((r) => n[r]).map((r) => h("span", { class: `rel ${r}` }, `${n[r]} ${r}`));
}

function storyFilters(params) {
  const input = (name, attrs) => h("input", { name, id: `s-${name}`, value: params.get(name) || "", ...attrs });
  const form = h("form", { class: "filters", id: "story-filters" },
    h("label", { for: "s-country" }, "Country"), input("country", { placeholder: "ISO3, e.g. NER", maxlength: 3, size: 6 }),
    h("label", { for: "s-since" }, "Seen from"), input("since", { type: "date" }),
    h("label", { for: "s-until" }, "to"), input("until", { type: "date" }),
    h("div", { class: "buttons" }, h("button", { type: "submit" }, "Apply")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const q = new URLSearchParams();
    for (const f of FIELDS) {
      const v = String(data.get(f) || "").trim();
      if (v) q.set(f, f === "country" ? v.toUpperCase() : v);
    }
    location.hash = `#/stories${q.toString() ? `?${q}` : ""}`;
  });
  return form;
}

export async function storiesView(el, params = new URLSearchParams()) {
  el.append(h("h1", {}, "Stories"), storyFilters(params));
  const query = Object.fromEntries(FIELDS.filter((f) => params.get(f)).map((f) => [f, params.get(f)]));
  let body;
  try {
    body = await api("stories", { ...query, limit: 200 });
  } catch (err) {
    el.appendChild(notice(err, "Stories"));
    return;
  }
  const rows = body.stories || [];
  if (!rows.length) {
    el.appendChild(h("p", { class: "hint" }, Object.keys(query).length ? "No story matches these filters." : "No stories yet: ingest articles first."));
    return;
  }
  el.append(
    h("p", { class: "summary" }, `${rows.length} stories${rows.length === body.limit ? " (the most recent)" : ""}`),
    h("table", { class: "grid", id: "stories" },
      h("thead", {}, h("tr", {}, ["Story", "Seen", "Articles", "Outlets", "Independent sources", "How it spread", "Credits"].map((c) => h("th", {}, c)))),
      h("tbody", {}, rows.map((s) => {
        const dropped = (s.articles || []).filter((a) => a.attribution_dropped).length;
        const seen = day(s.first_seen) === day(s.last_seen) ? day(s.first_seen) : `${day(s.first_seen)} → ${day(s.last_seen)}`;
        return h("tr", { dataset: { id: s.id } },
          h("td", {}, h("a", { href: `#/story/${encodeURIComponent(s.id)}`, class: "story" }, s.title || s.id)),
          h("td", { class: "date" }, seen || "undated"),
          h("td", { class: "num" }, s.article_count),
          h("td", { class: "num", title: (s.outlets || []).join(", ") }, (s.outlets || []).length),
          h("td", { class: "num" }, h("strong", {}, s.independent_sources)),
          h("td", {}, relationCounts(s.articles)),
          h("td", {},
            (s.agencies || []).length ? h("span", { class: "credit" }, (s.agencies || []).join(", ")) : null,
            " ",
            dropped ? h("span", { class: "flag", title: "rewrites that dropped the origin's credit" }, `${dropped} dropped`) : null),
        );
      })),
    ),
  );
}

function treeNode(node) {
  const score = node.relation !== "origin" && node.relation !== "independent" && node.score != null ? ` ${Number(node.score).toFixed(2)}` : "";
  const label = h("div", { class: "node", dataset: { relation: node.relation || "" } },
    h("span", { class: `rel ${node.relation || ""}`, title: "how this article relates to the one above it" }, `${node.relation || "?"}${score}`),
    node.attribution_dropped ? h("span", { class: "flag", title: "this rewrite dropped the credit its source gave" }, "credit dropped") : null,
    (node.credits || []).length ? h("span", { class: "credit" }, `credits ${node.credits.join(", ")}`) : null,
    " ",
    h("a", { href: `#/article/${encodeURIComponent(node.id)}` }, node.title || node.ref || node.id.slice(0, 12)),
    h("span", { class: "meta" }, ` · ${node.outlet || "unknown outlet"} · ${stamp(node.published)}`),
  );
  const kids = node.children || [];
  return h("li", {}, label, kids.length ? h("ul", {}, kids.map(treeNode)) : null);
}

function canonicalEvent(ev, links) {
  const first = (ev.event_ids || []).find((id) => links[id]);
  const date = ev.date?.value || "undated";
  return h("li", { class: "event" },
    h("div", { class: "line" }, badge(ev.event_type), " ", h("span", { class: "date" }, date), " · ", h("span", { class: "place" }, place(ev.location))),
    h("div", { class: "who" }, `${actors(ev.source)} → ${actors(ev.target)}`),
    h("div", { class: "said" }, `told in ${ev.articles ?? "?"} article(s)`, ev.quantities?.personnel ? ` · about ${ev.quantities.personnel} personnel` : ""),
    first ? h("a", { href: `#/article/${encodeURIComponent(links[first])}?event=${encodeURIComponent(first)}`, class: "open" }, "open an article ›") : null,
  );
}

export async function storyView(el, id) {
  let body;
  try {
    body = await api(`stories/${encodeURIComponent(id)}`);
  } catch (err) {
    el.appendChild(notice(err, "Stories"));
    return;
  }
  const s = body.story;
  const outlets = s.outlets || [];
  const dropped = (s.articles || []).filter((a) => a.attribution_dropped).length;
  el.append(
    h("p", { class: "meta" }, h("a", { href: "#/stories" }, "‹ all stories")),
    h("h1", { id: "story-title" }, s.title || `Story ${s.id}`),
    h("p", { class: "meta", id: "story-meta" },
      `${s.article_count} articles from ${outlets.length} outlets · `,
      h("strong", {}, `${s.independent_sources} independent source${s.independent_sources === 1 ? "" : "s"}`),
      ` · seen ${day(s.first_seen) || "?"} → ${day(s.last_seen) || "?"}`,
      (s.agencies || []).length ? ` · credits ${s.agencies.join(", ")}` : "",
      " ",
      dropped ? h("span", { class: "flag" }, `${dropped} dropped credit${dropped === 1 ? "" : "s"}`) : null,
    ),
    h("h2", {}, "Provenance"),
    h("p", { class: "hint" }, "Each article sits under the one it copies or rewrites; origins and independent reports are at the top."),
    h("ul", { class: "tree", id: "provenance" }, (body.tree || []).map(treeNode)),
    h("h2", {}, `Events (${(s.events || []).length})`),
    h("ol", { class: "events", id: "story-events" }, (s.events || []).map((ev) => canonicalEvent(ev, body.event_articles || {}))),
  );
}
