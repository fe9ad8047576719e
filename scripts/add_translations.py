"""Add or update Hindi translations in one app's catalogue and recompile it, safely from parallel sessions.

    .venv/bin/python scripts/add_translations.py himcare translations.json

`translations.json` maps English msgids to Hindi msgstrs. The catalogue is locked (fcntl) while it is read,
changed and written, so several people can add strings to the same app at once.
"""

import fcntl
import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1] / "himswasthya"


def main(app: str, json_path: str) -> None:
    po_path = ROOT / app / "locale" / "hi" / "LC_MESSAGES" / "django.po"
    po_path.parent.mkdir(parents=True, exist_ok=True)
    new = json.loads(Path(json_path).read_text(encoding="utf-8"))
    with open(f"/tmp/po_{app}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if po_path.exists():
            po = polib.pofile(str(po_path))
        else:
            po = polib.POFile()
            po.metadata = {
                "Content-Type": "text/plain; charset=UTF-8",
                "Language": "hi",
                "Plural-Forms": "nplurals=2; plural=(n != 1);",
            }
        added = updated = 0
        for msgid, msgstr in new.items():
            if not msgstr.strip():
                raise SystemExit(f"empty translation for {msgid!r}")
            entry = po.find(msgid)
            if entry is None:
                po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
                added += 1
            elif entry.msgstr != msgstr or "fuzzy" in entry.flags:
                entry.msgstr = msgstr
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                updated += 1
        po.save(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"{po_path.relative_to(ROOT.parent)}: {added} added, {updated} updated, {len(po)} entries")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
