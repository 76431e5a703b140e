// Stories (one real-world event told by many outlets) and a story's provenance tree:
// origin → copies / rewrites, with rewrites that dropped the origin's credit flagged.
import { api } from "../api.js";
import { h } from "../dom.js";
import { badge, eventLine, notice } from "./common.js";

const n = (v) => (Array.isArray(v) ? v.length : v ?? "?");

export async function storiesView(el) {
  el.appendChild(h("h1", {}, "Stories"));
  let body;
  try {
    body = await api("stories", { limit: 200 });
  } catch (err) {
    el.appendChild(notice(err, "Stories"));
    return;
  }
  const rows = body.stories || [];
  if (!rows.length) {
    el.appendChild(h("p", { class: "hint" }, "No stories yet: ingest articles, then link them."));
    return;
  }
  el.appendChild(
    h("table", { class: "grid", id: "stories" },
      h("thead", {}, h("tr", {}, ["Story", "Type", "Date", "Place", "Articles", "Outlets", "Independent sources"].map((c) => h("th", {}, c)))),
      h("tbody", {}, rows.map((s) =>
        h("tr", {},
          h("td", {}, h("a", { href: `#/story/${encodeURIComponent(s.id)}` }, s.title || s.headline || s.id)),
          h("td", {}, badge(s.event_type)),
          h("td", {}, s.date || s.first_seen || ""),
          h("td", {}, s.place || s.location?.name || ""),
          h("td", { class: "num" }, n(s.articles ?? s.n_articles)),
          h("td", { class: "num" }, n(s.outlets ?? s.n_outlets)),
          h("td", { class: "num" }, n(s.independent_sources ?? s.sources)),
        ),
      )),
    ),
  );
}

function treeNode(node, children) {
  const flags = [];
  if (node.relation || node.role) flags.push(h("span", { class: `rel ${node.relation || node.role}` }, node.relation || node.role));
  if (node.credit_dropped || node.attribution_dropped) flags.push(h("span", { class: "flag", title: "this rewrite dropped the origin's credit" }, "credit dropped"));
  if (node.credits || node.credited) flags.push(h("span", { class: "credit" }, `credits ${node.credits || node.credited}`));
  const label = h("div", { class: "node" },
    flags,
    " ",
    h("a", { href: `#/article/${node.article_id}` }, node.title || node.article_id),
    h("span", { class: "meta" }, ` · ${node.outlet || "?"} · ${node.published || "undated"}`),
  );
  const kids = children.get(node.article_id) || [];
  return h("li", {}, label, kids.length ? h("ul", {}, kids.map((k) => treeNode(k, children))) : null);
}

export async function storyView(el, id) {
  let body;
  try {
    body = await api(`stories/${encodeURIComponent(id)}`);
  } catch (err) {
    el.appendChild(notice(err, "Stories"));
    return;
  }
  const story = body.story || body;
  const nodes = body.provenance || story.provenance || body.tree || story.articles || [];
  const children = new Map();
  const roots = [];
  for (const node of nodes) {
    const parent = node.parent || node.parent_id || node.source_article_id;
    if (parent && nodes.some((m) => m.article_id === parent)) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(node);
    } else roots.push(node);
  }
  el.append(
    h("h1", {}, story.title || story.headline || `Story ${id}`),
    h("p", { class: "meta" }, `${n(story.articles ?? nodes)} articles · ${n(story.outlets)} outlets · ${n(story.independent_sources)} independent sources`),
    h("h2", {}, "Provenance"),
    h("ul", { class: "tree", id: "provenance" }, roots.map((r) => treeNode(r, children))),
    h("h2", {}, "Events"),
    h("ol", { class: "events" }, (body.events || story.events || []).map((ev) => h("li", { class: "event" }, eventLine(ev)))),
  );
}
