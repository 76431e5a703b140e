// Foreign forces in host countries as of a date: force → host, site, status, from, to, size, and
// links to the events that say so. Shape: GET /api/presence → {presence: [{force: {country, name},
// host, site: {name} | null, status, from, to, size, evidence: [event ids]}], as_of, event_articles}.
import { api } from "../api.js";
import { h, clear } from "../dom.js";
import { notice } from "./common.js";

const STATUS = {
  arriving: "arriving",
  present: "present",
  ordered_out: "ordered out",
  withdrawing: "withdrawing",
  withdrawn: "withdrawn",
};

export async function presenceView(el, params) {
  const asOf = params.get("as_of") || "";
  const host = params.get("host") || "";
  const date = h("input", { type: "date", name: "as_of", id: "as-of", value: asOf });
  const hostIn = h("input", { name: "host", id: "p-host", value: host, placeholder: "ISO3, e.g. NER", maxlength: 3, size: 6 });
  const form = h("form", { class: "filters inline", id: "presence-filters" },
    h("label", { for: "as-of" }, "As of"), date,
    h("label", { for: "p-host" }, "Host"), hostIn,
    h("div", { class: "buttons" }, h("button", { type: "submit" }, "Show")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (date.value) q.set("as_of", date.value);
    if (hostIn.value.trim()) q.set("host", hostIn.value.trim().toUpperCase());
    location.hash = `#/presence${q.toString() ? `?${q}` : ""}`;
  });
  const out = h("div", { id: "presence" });
  el.append(h("h1", {}, "Force presence"), form, out);
  let body;
  try {
    body = await api("presence", { as_of: asOf, host });
  } catch (err) {
    clear(out).appendChild(notice(err, "Presence intervals"));
    return;
  }
  const rows = body.presence || [];
  const links = body.event_articles || {};
  out.appendChild(h("p", { class: "summary", id: "as-of-note" }, asOf ? `The state on ${asOf}, from the events reported up to that day.` : "The latest state, from all stored events."));
  if (!rows.length) {
    out.appendChild(h("p", { class: "hint" }, asOf ? `No foreign forces known on ${asOf}.` : "No presence intervals yet."));
    return;
  }
  const when = (v, p) => (v ? (p && p !== "day" ? `${v} (${p})` : v) : "");
  out.appendChild(
    h("table", { class: "grid", id: "presence-table" },
      h("thead", {}, h("tr", {}, ["Force", "Host", "Site", "Status", "From", "To", "Size", "Evidence"].map((c) => h("th", {}, c)))),
      h("tbody", {}, rows.map((r) =>
        h("tr", { dataset: { status: r.status, host: r.host || "" } },
          h("td", {}, r.force?.name || r.force?.country || "?"),
          h("td", {}, h("a", { href: `#/?country=${encodeURIComponent(r.host || "")}` }, r.host || "?")),
          h("td", {}, r.site?.name || ""),
          h("td", {}, h("span", { class: `status ${r.status || ""}` }, STATUS[r.status] || r.status || "?")),
          h("td", { class: "date" }, when(r.from, r.from_precision)),
          h("td", { class: "date" }, when(r.to, r.to_precision) || (r.status === "withdrawn" ? "" : "ongoing")),
          h("td", { class: "num" }, r.size ?? ""),
          h("td", {}, (r.evidence || []).slice(0, 5).map((id, i) =>
            links[id]
              ? [h("a", { href: `#/article/${encodeURIComponent(links[id])}?event=${encodeURIComponent(id)}`, class: "ev", title: "the event that says so" }, `[${i + 1}]`), " "]
              : null)),
        ),
      )),
    ),
  );
}
