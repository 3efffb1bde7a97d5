"""How well the offline brain reads each red flag's practice in other people's words.

`evals/flag_wordings.yaml` holds, per red flag, sentences stating the bad practice and near
misses stating the sound one, written by a reviewer who never saw the detector. Each sentence is
read inside a neutral design paragraph (long enough for the flags raised by an answer's
silence). The first `DEV_STATED` stated sentences of a flag may be read to improve the detector;
the rest are held out. Run: `python -m evals.flag_wordings [--misses]`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agents.brains.offline.brain import OfflineBrain
from agents.errors import ConfigError
from agents.transcript import Turn
from knowledge.loader import load_rubric
from knowledge.settings import Settings
from knowledge.yaml_file import read_yaml

FLAG_WORDINGS_PATH = Path(__file__).parent / "flag_wordings.yaml"
DEV_STATED = 3
NEUTRAL_DESIGN = (
    " The assistant reads each case file and drafts a recommendation with citations for a"
    " specialist to sign. Reviewers see the draft beside the source documents, and anything over"
    " $50k goes to a senior reviewer. Each draft costs about 30 cents, small next to twenty"
    " minutes of specialist time, and the team reviews the weekly error report every Monday."
)


class FlagWording(BaseModel):
    """One flag's sentences: the practice stated, and the sound practice beside it."""

    stated: list[str] = Field(min_length=DEV_STATED + 1)
    sound: list[str] = Field(min_length=1)


class FlagWordings(BaseModel):
    """The whole file, keyed by red-flag id."""

    flags: dict[str, FlagWording]


def load_flag_wordings(path: Path = FLAG_WORDINGS_PATH) -> FlagWordings:
    """The validated file; every key must be a rubric red flag."""
    wordings = FlagWordings.model_validate(read_yaml(path, ConfigError))
    unknown = set(wordings.flags) - {f.id for f in load_rubric().red_flags}
    if unknown:
        raise ConfigError(f"{path}: not rubric red flags: {sorted(unknown)}")
    return wordings


def measure(brain: OfflineBrain, wordings: FlagWordings) -> dict[str, Any]:
    """Per flag and in total: stated sentences caught (dev part, held-out part), sound ones
    flagged, and the sentences behind each miss or false flag."""

    def raises(flag: str, sentence: str) -> bool:
        turn = Turn(id="t1", speaker="candidate", text=sentence + NEUTRAL_DESIGN)
        return flag in {f.flag.id for f in brain.analyze([turn]).flags}

    per: dict[str, dict[str, Any]] = {}
    for flag, w in wordings.flags.items():
        caught = [raises(flag, s) for s in w.stated]
        false = [s for s in w.sound if raises(flag, s)]
        per[flag] = {
            "dev": [sum(caught[:DEV_STATED]), DEV_STATED],
            "held_out": [sum(caught[DEV_STATED:]), len(caught) - DEV_STATED],
            "sound_flagged": [len(false), len(w.sound)],
            "missed": [s for s, c in zip(w.stated, caught, strict=True) if not c],
            "false": false,
        }
    total = {
        key: [sum(p[key][0] for p in per.values()), sum(p[key][1] for p in per.values())]
        for key in ("dev", "held_out", "sound_flagged")
    }
    return {"total": total, "flags": per}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Print the per-flag table (and, with --misses, the sentences missed or falsely flagged)."""
    parser = argparse.ArgumentParser(prog="python -m evals.flag_wordings")
    parser.add_argument("--misses", action="store_true", help="print the sentences behind misses")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    result = measure(OfflineBrain(Settings()), load_flag_wordings())
    if args.json:
        print(json.dumps(result, indent=2))
        return result
    for flag, p in result["flags"].items():
        print(
            f"{flag:28s} dev {p['dev'][0]}/{p['dev'][1]}  held out "
            f"{p['held_out'][0]}/{p['held_out'][1]}  sound flagged "
            f"{p['sound_flagged'][0]}/{p['sound_flagged'][1]}"
        )
        if args.misses:
            for s in p["missed"]:
                print(f"    missed: {s}")
            for s in p["false"]:
                print(f"    false:  {s}")
    t = result["total"]
    print(
        f"stated caught: dev {t['dev'][0]}/{t['dev'][1]}, held out {t['held_out'][0]}/"
        f"{t['held_out'][1]}; sound sentences flagged {t['sound_flagged'][0]}/"
        f"{t['sound_flagged'][1]}"
    )
    return result


if __name__ == "__main__":
    main()
