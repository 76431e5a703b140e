// The main view: filters, the map, the timeline and the list of matching events. The filters live
// in the URL (#/?type=ASSAULT&country=NER), so a view can be bookmarked and shared.
import { api } from "../api.js";
import { h, clear } from "../dom.js";
import { createMap } from "../map.js";
import { createTimeline } from "../timeline.js";
import { eventLine, notice } from "./common.js";

const FIELDS = ["type", "country", "actor", "since", "until", "text"];
const PAGE = 50;

export function exploreView(el, params, config) {
  let current = {};
  let cursor = null;
  let fitted = false;

  const input = (name, attrs) => h("input", { name, id: `f-${name}`, ...attrs });
  const typeSelect = h("select", { name: "type", id: "f-type" }, h("option", { value: "" }, "all types"), ...config.event_types.map((t) => h("option", { value: t }, t)));
  const form = h(
    "form",
    { class: "filters", id: "filters" },
    h("label", { for: "f-type" }, "Type"), typeSelect,
    h("label", { for: "f-country" }, "Country"), input("country", { placeholder: "ISO3, e.g. NER", maxlength: 3, size: 6 }),
    h("label", { for: "f-actor" }, "Actor"), input("actor", { placeholder: "name or code" }),
    h("label", { for: "f-since" }, "From"), input("since", { type: "date" }),
    h("label", { for: "f-until" }, "To"), input("until", { type: "date" }),
    h("label", { for: "f-text" }, "Text"), input("text", { placeholder: "words in the evidence" }),
    h("div", { class: "buttons" }, h("button", { type: "submit" }, "Apply"), h("button", { type: "button", id: "reset", onclick: () => go({}) }, "Reset")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const next = {};
    for (const f of FIELDS) {
      const v = String(data.get(f) || "").trim();
      if (v) next[f] = f === "country" ? v.toUpperCase() : v;
    }
    go(next);
  });

  const summary = h("div", { class: "summary", id: "summary" });
  const problem = h("div", { id: "problem" });
  const detail = h("aside", { class: "detail", id: "detail" }, h("p", { class: "hint" }, "Click a marker to see its event; click a cluster to zoom in."));
  const list = h("ol", { class: "events", id: "event-list" });
  const more = h("button", { type: "button", id: "more", hidden: true, onclick: () => loadList(false) }, "More events");
  const mapBox = h("div", { class: "mapbox" });
  const tlBox = h("div", { class: "tlbox" });
  el.append(
    h("section", { class: "explore" },
      form,
      h("div", { class: "stage" }, mapBox, detail),
      tlBox,
      problem,
      summary,
      list,
      more,
    ),
  );

  const map = createMap(mapBox, {
    tileUrl: config.tile_url,
    onPick: pick,
    onGroup: group,
    onPresence: (p) => (location.hash = `#/presence?host=${encodeURIComponent(p.host || "")}`),
  });
  const timeline = createTimeline(tlBox, {
    onBrush: (span) => go({ ...current, since: span?.[0], until: span?.[1] }),
  });

  function go(next) {
    const q = new URLSearchParams(Object.entries(next).filter(([, v]) => v));
    location.hash = `#/${q.toString() ? `?${q}` : ""}`;
  }

  async function pick(p) {
    clear(detail).append(h("p", { class: "hint" }, "loading…"));
    try {
      const { event, story_id: story } = await api(`events/${encodeURIComponent(p.id)}`);
      const toStory = story ? h("a", { href: `#/story/${encodeURIComponent(story)}`, class: "story" }, "open its story ›") : null;
      clear(detail).append(h("div", { class: "picked", id: "picked" }, eventLine(event), " ", toStory));
    } catch (err) {
      clear(detail).append(notice(err, "Events"));
    }
  }

  function group(props) {
    const here = props[0]?.place || "this place";
    clear(detail).append(
      h("h3", {}, `${props.length} events at ${here}`),
      h("ul", { class: "group", id: "group" }, props.map((p) =>
        h("li", {}, h("a", { href: "#", class: "pick", onclick: (e) => (e.preventDefault(), pick(p)) }, `${p.event_type} · ${p.date || "undated"} · ${(p.source || []).join(", ") || "?"} → ${(p.target || []).join(", ") || "?"}`)),
      )),
    );
  }

  async function loadList(fresh) {
    if (fresh) {
      cursor = null;
      clear(list);
    }
    const page = await api("events", { ...current, limit: PAGE, cursor, total: fresh });
    for (const ev of page.events) list.appendChild(h("li", { class: "event", dataset: { type: ev.event_type, id: ev.id } }, eventLine(ev)));
    cursor = page.next_cursor;
    more.hidden = !cursor;
    if (fresh) summary.textContent = `${page.total} events match${page.total ? "" : " — loosen the filters"}`;
  }

  async function update(p) {
    current = Object.fromEntries(FIELDS.filter((f) => p.get(f)).map((f) => [f, p.get(f)]));
    for (const f of FIELDS) form.elements[f].value = current[f] || "";
    clear(problem);
    try {
      const { since, until, ...undated } = current;
      const [fc, stats] = await Promise.all([
        api("events.geojson", { ...current, limit: config.max_features }),
        api("stats", { ...undated, interval: "day" }),
        loadList(true),
      ]);
      const dense = stats.by_period.length > 120;
      const periods = dense ? (await api("stats", { ...undated, interval: "week" })).by_period : stats.by_period;
      timeline.setData(periods, dense ? "week" : "day", since && until ? [since, until] : null);
      map.setEvents(fc);
      // Presence as of the end of the chosen period (all evidence when none is chosen); a map extra.
      api("presence.geojson", { as_of: until }).then(map.setPresence, () => map.setPresence(null));
      if (!fitted && fc.features.length) {
        map.fit(fc);
        fitted = true;
      }
      summary.append(` · ${fc.features.length} on the map${fc.next_cursor ? ` (first ${fc.features.length})` : ""}`);
    } catch (err) {
      problem.appendChild(notice(err, "Events"));
    }
  }

  update(params);
  return { update };
}
