// Events per day / week as bars; brushing a span sets the since/until filter.
import { scaleLinear, scaleUtc } from "d3-scale";
import { brushX } from "d3-brush";
import { select } from "d3-selection";
import { svg } from "./dom.js";

const W = 960;
const H = 110;
const M = { top: 8, right: 10, bottom: 22, left: 36 };
const DAY = 86400000;

const iso = (d) => new Date(d).toISOString().slice(0, 10);

export function createTimeline(container, { onBrush = () => {} } = {}) {
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "timeline", role: "img", "aria-label": "events over time" });
  container.appendChild(root);
  let quiet = false;

  return {
    setData(periods, interval, selected) {
      while (root.firstChild) root.removeChild(root.firstChild);
      if (!periods.length) {
        const t = svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty" });
        t.textContent = "no dated events";
        root.appendChild(t);
        return;
      }
      const step = interval === "day" ? DAY : interval === "week" ? 7 * DAY : 31 * DAY;
      const times = periods.map((p) => Date.parse(`${p.key}T00:00:00Z`));
      const x = scaleUtc()
        .domain([Math.min(...times), Math.max(...times) + step])
        .range([M.left, W - M.right]);
      const y = scaleLinear()
        .domain([0, Math.max(...periods.map((p) => p.count))])
        .nice()
        .range([H - M.bottom, M.top]);
      const bars = svg("g", { class: "bars" });
      periods.forEach((p, i) => {
        const x0 = x(times[i]);
        const x1 = x(interval === "month" ? Date.UTC(new Date(times[i]).getUTCFullYear(), new Date(times[i]).getUTCMonth() + 1, 1) : times[i] + step);
        const r = svg("rect", { x: x0 + 0.5, y: y(p.count), width: Math.max(1, x1 - x0 - 1), height: y(0) - y(p.count) });
        const t = svg("title");
        t.textContent = `${interval} of ${p.key}: ${p.count} events`;
        r.appendChild(t);
        bars.appendChild(r);
      });
      const axis = svg("g", { class: "axis" });
      for (const tick of x.ticks(8)) {
        const tx = x(tick);
        const label = svg("text", { x: tx, y: H - 6, "text-anchor": "middle" });
        label.textContent = iso(tick);
        axis.append(svg("line", { x1: tx, x2: tx, y1: H - M.bottom, y2: H - M.bottom + 4 }), label);
      }
      const ymax = svg("text", { x: M.left - 4, y: M.top + 8, "text-anchor": "end" });
      ymax.textContent = y.domain()[1];
      axis.appendChild(ymax);
      const brushG = svg("g", { class: "brush" });
      root.append(bars, axis, brushG);
      const brush = brushX()
        .extent([
          [M.left, M.top],
          [W - M.right, H - M.bottom],
        ])
        .on("end", (ev) => {
          if (quiet) return;
          if (!ev.selection) return onBrush(null);
          const [a, b] = ev.selection.map((v) => x.invert(v).getTime());
          onBrush([iso(a), iso(b - 1)]);
        });
      const g = select(brushG).call(brush);
      if (selected && selected[0] && selected[1]) {
        quiet = true;
        const a = Date.parse(`${selected[0]}T00:00:00Z`);
        const b = Date.parse(`${selected[1]}T00:00:00Z`) + DAY;
        g.call(brush.move, [Math.max(M.left, x(a)), Math.min(W - M.right, x(b))]);
        quiet = false;
      }
    },
  };
}
