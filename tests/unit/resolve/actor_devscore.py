"""Actor coding accuracy on the PLOVER gold actors: each gold actor's text resolved alone (no context).

Run: .venv/bin/python tests/unit/resolve/actor_devscore.py [path/to/plover_gsr.jsonl] [--misses]

Country is scored where the gold code is an ISO3 country or "IGO" (our kind igo); codes outside ISO
3166 (legacy CAMEO "JAP"/"ITL", "IMG", "NGO") are left out. Sector is scored on the first three
letters of gold sectors we model (GOV MIL REB ...); gold JRN counts as MED.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[4] / "shared" / "data" / "dev" / "events" / "plover_gsr.jsonl"
SECTORS = {
    "GOV",
    "MIL",
    "REB",
    "OPP",
    "COP",
    "JUD",
    "LEG",
    "MED",
    "BUS",
    "CVL",
    "REF",
    "LAB",
    "AGR",
    "SPY",
    "NGO",
    "IGO",
    "REL",
}


def score(path: Path = DEFAULT, show_misses: bool = False) -> dict[str, float]:
    import pycountry

    from sitroom.records import Span
    from sitroom.resolve.actors import resolve_actor

    iso3 = {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    c_ok = c_n = s_ok = s_n = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for actor in (row.get("source") or []) + (row.get("target") or []):
            text = actor["text"].strip()
            refs = resolve_actor(Span(start=0, end=len(text), text=text))
            ref = refs[0] if refs else None
            code = actor.get("code")
            if code in iso3 or code == "IGO":
                got = None if ref is None else ("IGO" if ref.kind == "igo" else ref.country)
                c_n += 1
                c_ok += got == code
                if show_misses and got != code:
                    print(f"country  {text!r}: gold {code}, got {got}")
            gold_sector = (actor.get("sector") or "")[:3].replace("JRN", "MED").replace("CIV", "CVL")
            if gold_sector in SECTORS:
                got_s = ref.sector if ref else None
                s_n += 1
                s_ok += got_s == gold_sector
                if show_misses and got_s != gold_sector:
                    print(f"sector   {text!r}: gold {gold_sector}, got {got_s}")
    return {"country_acc": c_ok / c_n, "country_n": c_n, "sector_acc": s_ok / s_n, "sector_n": s_n}


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    result = score(Path(args[0]) if args else DEFAULT, show_misses="--misses" in sys.argv)
    print(json.dumps(result, indent=1))
