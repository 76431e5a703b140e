// The API client: query strings from plain objects, the bearer token for private servers, and the
// error envelope {ok: false, error, code} turned into an exception.

const KEY = "sitroom.token";

export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function token() {
  return sessionStorage.getItem(KEY) || "";
}

export function setToken(t) {
  if (t) sessionStorage.setItem(KEY, t);
  else sessionStorage.removeItem(KEY);
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else q.append(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

export async function api(path, params) {
  const headers = { Accept: "application/json" };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  const res = await fetch(`/api/${path}${query(params)}`, { headers });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(res.status, `the server answered ${res.status} without JSON`, "E_HTTP");
  }
  if (!res.ok || body.ok === false) {
    throw new ApiError(res.status, body.error || `HTTP ${res.status}`, body.code || "E_HTTP");
  }
  return body;
}
