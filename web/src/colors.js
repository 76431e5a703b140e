// One colour per PLOVER type, grouped by quad class: cooperation greens/blues, conflict reds.
export const TYPE_COLORS = {
  AGREE: "#2a9d8f",
  CONSULT: "#457b9d",
  SUPPORT: "#52b788",
  CONCEDE: "#90be6d",
  COOPERATE: "#1d7874",
  AID: "#43aa8b",
  RETREAT: "#8d99ae",
  REQUEST: "#6c757d",
  ACCUSE: "#f4a261",
  REJECT: "#e9c46a",
  THREATEN: "#f3722c",
  PROTEST: "#f8961e",
  SANCTION: "#b5838d",
  MOBILIZE: "#9b2226",
  COERCE: "#ae2012",
  ASSAULT: "#e63946",
  STATEMENT: "#adb5bd",
};

export function typeColor(t) {
  return TYPE_COLORS[t] || "#6c757d";
}
