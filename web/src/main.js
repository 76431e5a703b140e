// The router: #/ (map), #/article/ID, #/stories, #/story/ID, #/presence. The map view keeps its
// state when only its filters change.
import { api, ApiError, setToken, token } from "./api.js";
import { h, clear } from "./dom.js";
import { exploreView } from "./views/explore.js";
import { articleView } from "./views/article.js";
import { storiesView, storyView } from "./views/stories.js";
import { presenceView } from "./views/presence.js";

const view = document.getElementById("view");
const status = document.getElementById("status");
let config = null;
let current = { name: null, handle: null };

function parse() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, q] = raw.split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(q || "") };
}

function tokenBox(message) {
  const input = h("input", { type: "password", placeholder: "read token", id: "token", value: token() });
  const form = h("form", { class: "token" }, message, " ", input, h("button", { type: "submit" }, "Use"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    location.reload();
  });
  return form;
}

async function route() {
  const { parts, params } = parse();
  const name = parts[0] || "map";
  for (const a of document.querySelectorAll("[data-nav]")) a.classList.toggle("active", a.dataset.nav === (name === "story" ? "stories" : name));
  if (name === "map" && current.name === "map") return current.handle.update(params);
  clear(view);
  current = { name, handle: null };
  if (name === "map") current.handle = exploreView(view, params, config);
  else if (name === "article" && parts[1]) await articleView(view, parts[1], params);
  else if (name === "stories") await storiesView(view, params);
  else if (name === "story" && parts[1]) await storyView(view, parts[1]);
  else if (name === "presence") await presenceView(view, params);
  else view.appendChild(h("p", { class: "notice" }, "No such page. ", h("a", { href: "#/" }, "Back to the map")));
  document.body.dataset.ready = name;
}

async function start() {
  try {
    config = await api("config");
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      clear(status).appendChild(tokenBox("This server is private."));
      return;
    }
    view.appendChild(h("p", { class: "notice error" }, `The API did not answer: ${err.message}`));
    return;
  }
  status.textContent = `v${config.version}${config.writes ? " · writes on" : ""}`;
  window.addEventListener("hashchange", route);
  await route();
}

start();
