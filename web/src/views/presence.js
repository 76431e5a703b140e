// Foreign forces present in a country as of a date: force → host, site, status, since, until, size.
import { api } from "../api.js";
import { h, clear } from "../dom.js";
import { notice } from "./common.js";

export async function presenceView(el, params) {
  const asOf = params.get("as_of") || "";
  const date = h("input", { type: "date", name: "as_of", id: "as-of", value: asOf });
  const form = h("form", { class: "filters inline" }, h("label", { for: "as-of" }, "As of"), date, h("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = date.value ? `#/presence?as_of=${date.value}` : "#/presence";
  });
  const out = h("div", { id: "presence" });
  el.append(h("h1", {}, "Force presence"), form, out);
  let body;
  try {
    body = await api("presence", { as_of: asOf });
  } catch (err) {
    clear(out).appendChild(notice(err, "Presence intervals"));
    return;
  }
  const rows = body.presence || body.intervals || [];
  if (!rows.length) {
    out.appendChild(h("p", { class: "hint" }, asOf ? `No foreign forces known to be present on ${asOf}.` : "No presence intervals yet."));
    return;
  }
  const actor = (a) => (a && typeof a === "object" ? a.name || a.text || a.id : a) || "?";
  out.appendChild(
    h("table", { class: "grid" },
      h("thead", {}, h("tr", {}, ["Force", "Host", "Site", "Status", "From", "To", "Size", "Evidence"].map((c) => h("th", {}, c)))),
      h("tbody", {}, rows.map((r) =>
        h("tr", {},
          h("td", {}, actor(r.force)),
          h("td", {}, r.host_country || r.host || ""),
          h("td", {}, r.site?.name || r.site || ""),
          h("td", {}, r.status || ""),
          h("td", {}, r.start || r.from || r.since || ""),
          h("td", {}, r.end || r.to || r.until || "ongoing"),
          h("td", { class: "num" }, r.size?.value ?? r.size ?? ""),
          h("td", {}, (r.evidence || r.event_ids || []).slice(0, 3).map((e) =>
            h("a", { href: `#/article/${e.article_id || ""}?event=${e.event_id || e.id || e}`, class: "ev" }, "›"))),
        ),
      )),
    ),
  );
}
