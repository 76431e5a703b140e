// The event map: country shapes from world-atlas drawn with d3-geo (offline, no tile server), an
// optional raster tile layer for users online, and events clustered with supercluster so dense
// areas stay readable. Markers are coloured by event type; a cluster by its most frequent type.
// Force presence is drawn as arcs from the force's country to the site (or the host country).
import { geoArea, geoCentroid, geoMercator, geoPath, geoGraticule10 } from "d3-geo";
import { select } from "d3-selection";
import { zoom, zoomIdentity } from "d3-zoom";
import { tile } from "d3-tile";
import { feature } from "topojson-client";
import Supercluster from "supercluster";
import { svg } from "./dom.js";
import { typeColor } from "./colors.js";

const W = 960;
const H = 500;
const MAX_ZOOM = 14; // beyond this, events on one spot stay one group (listed on click)
let worldPromise = null;

// The centroid of a country's largest polygon: France's arc starts in France, not between it and Guiana.
function mainCentroid(f) {
  const g = f.geometry;
  if (!g || g.type !== "MultiPolygon") return geoCentroid(f);
  let best = null;
  let area = -1;
  for (const coordinates of g.coordinates) {
    const part = { type: "Polygon", coordinates };
    const a = geoArea(part);
    if (a > area) [best, area] = [part, a];
  }
  return geoCentroid(best);
}

function world() {
  worldPromise ??= fetch("/countries-110m.json").then((r) => r.json());
  return worldPromise;
}

export function createMap(container, { tileUrl = null, onPick = () => {}, onGroup = () => {}, onPresence = () => {} } = {}) {
  const projection = geoMercator().scale(W / (2 * Math.PI)).translate([W / 2, H / 2 + 90]);
  const path = geoPath(projection);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "map", role: "img", "aria-label": "event map" });
  const tiles = svg("g", { class: "tiles" });
  const land = svg("g", { class: "land" });
  const links = svg("g", { class: "links" });
  const marks = svg("g", { class: "marks" });
  root.append(tiles, land, links, marks);
  container.appendChild(root);

  let transform = zoomIdentity;
  let index = null;
  let presence = [];
  let centroids = new Map(); // ISO numeric → [lon, lat] of the country's largest part

  world().then((topo) => {
    land.appendChild(svg("path", { class: "graticule", d: path(geoGraticule10()) }));
    const countries = feature(topo, topo.objects.countries).features;
    centroids = new Map(countries.map((f) => [String(f.id), mainCentroid(f)]));
    drawLinks();
    for (const f of countries) {
      const p = svg("path", { class: "country", d: path(f) });
      const t = svg("title");
      t.textContent = f.properties?.name || "";
      p.appendChild(t);
      land.appendChild(p);
    }
  });

  const z = zoom()
    .scaleExtent([1, 256])
    .translateExtent([
      [0, -80],
      [W, H + 80],
    ])
    .on("zoom", (ev) => {
      transform = ev.transform;
      land.setAttribute("transform", transform.toString());
      drawTiles();
      drawLinks();
      drawMarks();
    });
  select(root).call(z);

  function tileZoom() {
    // supercluster (and tiles) think in web-mercator zoom levels of 256-px worlds
    return Math.log2((2 * Math.PI * projection.scale() * transform.k) / 256);
  }

  function drawTiles() {
    if (!tileUrl) return;
    const t = tile()
      .size([W, H])
      .scale(2 * Math.PI * projection.scale() * transform.k)
      .translate([transform.x + projection.translate()[0] * transform.k, transform.y + projection.translate()[1] * transform.k])();
    while (tiles.firstChild) tiles.removeChild(tiles.firstChild);
    const [tx, ty] = t.translate;
    for (const [x, y, zz] of t) {
      const n = 2 ** zz;
      const xx = ((x % n) + n) % n;
      const href = tileUrl.replace("{z}", zz).replace("{x}", xx).replace("{y}", y);
      tiles.appendChild(svg("image", { href, x: (x + tx) * t.scale, y: (y + ty) * t.scale, width: t.scale, height: t.scale }));
    }
  }

  function screen([lon, lat]) {
    const [x, y] = projection([lon, lat]);
    return [x * transform.k + transform.x, y * transform.k + transform.y];
  }

  function bounds() {
    const inv = (px, py) => projection.invert([(px - transform.x) / transform.k, (py - transform.y) / transform.k]);
    const [w, n] = inv(0, 0);
    const [e, s] = inv(W, H);
    return [Math.max(-180, w), Math.max(-85, s), Math.min(180, e), Math.min(85, n)];
  }

  function drawMarks() {
    while (marks.firstChild) marks.removeChild(marks.firstChild);
    if (!index) return;
    const zoomLevel = Math.max(0, Math.min(16, Math.floor(tileZoom())));
    for (const c of index.getClusters(bounds(), zoomLevel)) {
      const [x, y] = screen(c.geometry.coordinates);
      const p = c.properties;
      if (p.cluster) {
        const top = Object.entries(p.types).sort((a, b) => b[1] - a[1])[0][0];
        const g = svg("g", { class: "cluster", transform: `translate(${x},${y})`, tabindex: 0 });
        const r = 7 + Math.sqrt(p.point_count) * 1.6;
        g.append(svg("circle", { r, fill: typeColor(top) }));
        const label = svg("text", { "text-anchor": "middle", dy: "0.35em" });
        label.textContent = p.point_count_abbreviated;
        const title = svg("title");
        title.textContent = `${p.point_count} events (mostly ${top}); click to zoom in`;
        g.append(label, title);
        g.addEventListener("click", () => {
          const expand = index.getClusterExpansionZoom(c.id);
          if (expand > MAX_ZOOM) return onGroup(index.getLeaves(c.id, 200).map((f) => f.properties)); // one spot
          const k = Math.min(256, transform.k * 2 ** Math.max(1, index.getClusterExpansionZoom(c.id) - zoomLevel));
          const [px, py] = projection(c.geometry.coordinates);
          select(root).call(z.transform, zoomIdentity.translate(W / 2 - px * k, H / 2 - py * k).scale(k));
        });
        marks.appendChild(g);
      } else {
        const m = svg("circle", {
          class: "marker",
          cx: x,
          cy: y,
          r: 5.5,
          fill: typeColor(p.event_type),
          tabindex: 0,
          "data-event": p.id,
          "data-type": p.event_type,
        });
        const title = svg("title");
        title.textContent = `${p.event_type} · ${p.place || "?"} · ${p.date || "undated"}`;
        m.appendChild(title);
        m.addEventListener("click", () => onPick(p));
        marks.appendChild(m);
      }
    }
  }

  function drawLinks() {
    while (links.firstChild) links.removeChild(links.firstChild);
    for (const f of presence) {
      const p = f.properties || {};
      const from = centroids.get(p.force_numeric);
      const to = f.geometry?.coordinates || centroids.get(p.host_numeric);
      if (!from || !to) continue;
      const [x1, y1] = screen(from);
      const [x2, y2] = screen(to);
      const mx = (x1 + x2) / 2;
      const my = Math.min(y1, y2) - Math.hypot(x2 - x1, y2 - y1) * 0.25;
      const label = `${p.force_name || p.force_country} → ${p.host}${p.site ? ` (${p.site})` : ""}: ${String(p.status || "?").replace("_", " ")}${p.from ? ` since ${p.from}` : ""}`;
      const g = svg("g", { class: `presence ${p.status || ""}`, "data-host": p.host || "", "data-force": p.force_country || "" });
      const arc = svg("path", { class: "link", d: `M${x1},${y1} Q${mx},${my} ${x2},${y2}` });
      const site = svg("rect", { class: "site", x: x2 - 4, y: y2 - 4, width: 8, height: 8, transform: `rotate(45 ${x2} ${y2})` });
      const t = svg("title");
      t.textContent = label;
      g.append(arc, site, t);
      g.addEventListener("click", () => onPresence(p));
      links.appendChild(g);
    }
  }

  return {
    setEvents(fc) {
      index = new Supercluster({
        radius: 44,
        maxZoom: MAX_ZOOM,
        map: (p) => ({ types: { [p.event_type]: 1 } }),
        reduce: (acc, p) => {
          for (const [k, v] of Object.entries(p.types)) acc.types[k] = (acc.types[k] || 0) + v;
        },
      });
      index.load(fc.features || []);
      drawMarks();
    },
    // GET /api/presence.geojson: force → host arcs (a site point when known, else the host country)
    setPresence(fc) {
      presence = fc?.features || [];
      drawLinks();
    },
    fit(fc) {
      const pts = (fc.features || []).map((f) => projection(f.geometry.coordinates));
      if (!pts.length) return;
      const xs = pts.map((p) => p[0]);
      const ys = pts.map((p) => p[1]);
      const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
      const k = Math.max(1, Math.min(8, 0.8 / Math.max((x1 - x0) / W, (y1 - y0) / H, 1 / 64)));
      const cx = (x0 + x1) / 2;
      const cy = (y0 + y1) / 2;
      select(root).call(z.transform, zoomIdentity.translate(W / 2 - cx * k, H / 2 - cy * k).scale(k));
    },
  };
}
