"""The input contract shared by the fuzz test (tests/models/test_fuzz_inputs.py) and the long run
(bench/fuzz_inputs.py): whatever bytes a project file holds, ``validate`` exits 0, or exits 2 with
one located problem per line; ``solve`` exits 0, 1 or 2; never a traceback, never a hang.

Strategies generate project documents: the teaching chain (and a version-1 file) mutated field by
field with nasty values, raw bytes of a valid file mutated, and random JSON.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
import signal
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
TEACHING_DOC = json.loads((ROOT / "sample_projects" / "teaching_chain.m2m.json").read_text(encoding="utf-8"))

#: values a careless edit or another tool puts into a field
NASTY = [
    "1000", "", "x" * 400, "NaN", "2027", "true", "\u202e", "a\u0000b", "=1+1", "CN", "mine",
    True, False, None, 0, -1, -0.0, 0.5, 1.5, 2027, 1e308, -1e308, 1e-320, 10**30, 2**63, -(2**63),
    [], [1, 2], ["x"], [{}], {}, {"a": 1}, {"year": 2027},
]

#: problems that concern the whole file rather than a field (still in the user's terms)
WHOLE_FILE = (
    "file is empty", "the top level must be a JSON object", "nesting deeper than", "file is larger than",
    "file is ", "the file is UTF-", "no file name given",
)

_SEGMENT = r'(?:[A-Za-z0-9_][\w\-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\]|\.\[key\])'
_LOCATED = re.compile(rf"^(line \d+ column \d+|byte \d+|{_SEGMENT}(?:\.?{_SEGMENT})*): \S")
# a problem by the thing's name and the field's label (models.problem_names): "Facility 'Mountain
# Pass' (facilities[0]): ...", a top-level field by its label: "schema version: must be a whole number",
# a setting: "Settings, risk, delay years, construction: probabilities must add up to 1"
_NAMED = re.compile(rf"^([A-Z][a-z]+(?: [a-z]+)* (?:(?:'.*'|\".*\") )?\((?:{_SEGMENT}(?:\.?{_SEGMENT})*)\)[:,] \S"
                    r"|[a-z][a-z ]*(?: \([^)]*\))?: \S|Settings(?:, [^:]+)?: \S)")


class Hang(Exception):
    """The per-case time limit ran out."""


@contextlib.contextmanager
def time_limit(seconds: int):
    """Raise Hang in the main thread after ``seconds`` (POSIX SIGALRM)."""

    def on_alarm(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """planner.cli.main in-process: (exit code, stdout, stderr); any exception propagates (= a traceback)."""
    from planner.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:
            code = int(e.code)
    return code, out.getvalue(), err.getvalue()


def check_validate(path: Path, seconds: int = 20) -> int:
    """Assert the contract for ``validate path``; returns the exit code."""
    with time_limit(seconds):
        code, _out, err = run_cli(["validate", str(path)])
    assert code in (0, 2), f"exit {code}: {err}"
    assert "Traceback" not in err
    if code == 2:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert lines, "exit 2 without a message"
        for line in lines:
            assert line.startswith(f"{path}: "), line
            problem = line[len(f"{path}: "):]
            if problem.startswith("warning: "):
                continue
            assert _LOCATED.match(problem) or _NAMED.match(problem) or problem.startswith(WHOLE_FILE), \
                f"problem without a location: {problem!r}"
            assert "set_int_max_str_digits" not in problem and not problem.endswith(" at"), problem
    return code


def check_solve(path: Path, seconds: int = 60, command: tuple[str, ...] = ("solve",)) -> int:
    """``solve`` (or ``scenarios`` / ``risk -n 2 --workers 1``): exit 0, 1 or 2, no traceback."""
    with time_limit(seconds):
        code, _out, err = run_cli([*command, str(path), "--solver", "highs", "--time-limit", "10"])
    assert code in (0, 1, 2), f"exit {code}: {err}"
    assert "Traceback" not in err
    return code


# --------------------------------------------------------------------------- strategies
def _paths(node, prefix=()):
    """Every (path) to a value inside a JSON document."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


def mutate(doc: dict, path: tuple, action: str, value) -> dict:
    doc = copy.deepcopy(doc)
    node = doc
    for part in path[:-1]:
        node = node[part]
    last = path[-1]
    if action == "replace":
        node[last] = value
    elif action == "delete":
        del node[last]
    elif isinstance(node, dict):
        node[f"unknown_{last}"] = value
    else:
        node.append(value)
    return doc


_TEACHING_PATHS = _paths(TEACHING_DOC)

json_scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))
json_values = st.recursive(json_scalars,
                           lambda inner: (st.lists(inner, max_size=4)
                                          | st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                           max_leaves=25)

@st.composite
def _mutated_documents(draw):
    """The teaching chain with one to three fields replaced, deleted or added."""
    doc = TEACHING_DOC
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc) if doc is not TEACHING_DOC else _TEACHING_PATHS
        if not paths:
            break
        doc = mutate(doc, draw(st.sampled_from(paths)), draw(st.sampled_from(["replace", "replace", "delete", "add"])),
                     draw(st.sampled_from(NASTY) | json_scalars))
    return doc


mutated_documents = _mutated_documents()

random_documents = st.one_of(
    json_values,
    st.dictionaries(
        st.sampled_from(["schema_version", "name", "settings", "facilities", "routes", "markets", "demands",
                         "platforms", "scenarios", "notes"]) | st.text(max_size=10),
        json_values,
        max_size=6,
    ).map(lambda d: {"schema_version": 3, **d}),
)


def _v1_doc():
    from .test_migration import V1_DOCUMENT

    return V1_DOCUMENT


@st.composite
def mutated_v1_documents(draw):
    doc = _v1_doc()
    path = draw(st.sampled_from(_paths(doc)))
    return mutate(doc, path, draw(st.sampled_from(["replace", "delete", "add"])),
                  draw(st.sampled_from(NASTY) | json_scalars))


@st.composite
def mutated_bytes(draw):
    """The teaching file's bytes with a slice replaced (truncation, garbage, an encoding change)."""
    raw = json.dumps(TEACHING_DOC, indent=1).encode("utf-8")
    kind = draw(st.sampled_from(["splice", "truncate", "encode"]))
    if kind == "truncate":
        return raw[: draw(st.integers(0, len(raw)))]
    if kind == "encode":
        encodings = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-16", "latin-1", "utf-8-sig"]
        return json.dumps(TEACHING_DOC).encode(draw(st.sampled_from(encodings)))
    at = draw(st.integers(0, len(raw)))
    length = draw(st.integers(0, 8))
    junk = st.sampled_from([b"\xff", b"\x00", b",", b"}", b"\"", b"\\u", b"NaN", b"9" * 5000])
    return raw[:at] + draw(st.binary(max_size=8) | junk) + raw[at + length:]


# ------------------------------------------------------------ scenario overrides and lever sections
#: numbers a scenario or lever may carry: ordinary, edge, overflowing, of the wrong type
_NUMBERS = [0, 1, 2, 0.5, -1, 30, 31, -31, 150, 1e6, 1e9, 1e12, 1e300, 1e308, -1e308, 2200, 1900, True, "2", None]
_TEACHING_IDS = [f["id"] for f in TEACHING_DOC["facilities"]] + ["nope", ""]
_COUNTRIES = ["CN", "cn", " us ", "XX", "China", "", 5]
_SANE = [0, 0.5, 1, 2, 3, 100]  # a tame document: it validates often, so it gets solved


def _numbers(wild: bool, tame: list | None = None):
    return st.sampled_from(_NUMBERS) if wild else st.sampled_from(tame or _SANE)


@st.composite
def _override(draw, wild: bool = True):
    kind = draw(st.sampled_from(["delay", "market_cap", "demand", "capex", "settings", "policy", "invest"]
                                + (["bogus"] if wild else [])))
    countries = st.sampled_from(_COUNTRIES if wild else ["CN", "cn", " us ", "AU"])
    where = {"ids": draw(st.lists(st.sampled_from(_TEACHING_IDS if wild else _TEACHING_IDS[:4]), max_size=2)),
             "countries": draw(st.lists(countries, max_size=2))}
    number = _numbers(wild)
    if kind == "delay":
        return {"kind": kind, "where": where, "years": draw(_numbers(wild, [-2, 0, 1, 2, 3, 5]))}
    if kind == "market_cap":
        return {"kind": kind, "origin_countries": draw(st.lists(countries, max_size=2)),
                "factor": draw(number)}
    if kind == "demand":
        segments = [None, "defense", "commercial"] + (["x"] if wild else [])
        return {"kind": kind, "segment": draw(st.sampled_from(segments)), "factor": draw(number)}
    if kind == "capex":
        return {"kind": kind, "where": where, "factor": draw(number)}
    if kind == "settings":
        field = draw(st.sampled_from(["budget_musd_per_year", "de_minimis_share", "discount_rate",
                                      "compliance_start_year"]))
        tame = {"compliance_start_year": [2026, 2027, 2029],
                "budget_musd_per_year": [0, 1, 100]}.get(field, [0, 0.05, 0.5])
        return {"kind": kind, field: draw(_numbers(wild, tame))}
    if kind == "policy":
        return {"kind": kind, "government_budget_musd_per_year": draw(number),
                "drop_lever_ids": draw(st.lists(st.sampled_from(["o1", "nope"] if wild else ["o1"]), max_size=1))}
    if kind == "invest":
        return {"kind": kind,
                "option_id": draw(st.sampled_from(["t_magnet_build", "nope"] if wild else ["t_magnet_build"])),
                "year": draw(_numbers(wild, [2026, 2027, 2028, 2029])), "added_tpy": draw(_numbers(wild, [0, 10, 100]))}
    return {"kind": kind}


@st.composite
def _levers(draw, wild: bool = True):
    number = _numbers(wild)
    out: dict = {}
    if draw(st.booleans()):
        out["offtakes"] = [{"id": "o1", "facility_id": draw(st.sampled_from(_TEACHING_IDS if wild else ["t_metal"])),
                            "material": "ndpr_metal",
                            "min_tpy": draw(number), "price_usd_per_t": draw(number)}]
    if draw(st.booleans()):
        out["loans"] = [{"id": "l1", "option_id": "t_magnet_build", "amount_musd": draw(number),
                         "rate": draw(_numbers(wild, [0, 0.05]))}]
    if draw(st.booleans()):
        out["grants"] = [{"id": "g1", "option_id": draw(st.sampled_from(["t_magnet_build", "nope"])),
                          "share": draw(_numbers(wild, [0, 0.5])), "amount_musd": draw(_numbers(wild, [0, 1]))}]
    if draw(st.booleans()):
        out["price_floors"] = [{"id": "f1", "facility_id": "t_metal", "material": "ndpr_metal",
                                "floor_usd_per_t": draw(number), "benchmark_usd_per_t_by_year": {"2027": draw(number)}}]
    if draw(st.booleans()):
        out["stockpiles"] = [{"id": "s1", "material": "ndfeb_magnet", "capacity_t": draw(_numbers(wild, [100, 1000])),
                              "initial_t": draw(_numbers(wild, [0, 50]))}]
    if draw(st.booleans()):
        out["government_budget_total_musd"] = draw(number)
    if draw(st.booleans()):
        out["policy"] = {"enabled": draw(st.booleans()), "facility_margins_usd_per_t": {"t_metal": draw(number)}}
    return out


@st.composite
def scenario_and_lever_documents(draw):
    """The teaching chain with one to three scenarios of random overrides and a random lever section
    (issue 25: scenario overrides and levers were where the new crashes were)."""
    doc = copy.deepcopy(TEACHING_DOC)
    wild = draw(st.booleans())
    n = draw(st.integers(1, 3))
    doc["scenarios"] = [{"id": f"s{k}",
                         "name": draw(st.sampled_from(["", "s0", "base", f"name{k}"] if wild else ["", f"name{k}"])),
                         "overrides": draw(st.lists(_override(wild), min_size=1, max_size=3))} for k in range(n)]
    if draw(st.booleans()):
        doc["levers"] = draw(_levers(wild))
    if draw(st.booleans()):  # a facility a delay can push past its closure year
        doc["facilities"][3].update(capacity_tpy=50.0, online_year=2027,
                                    closure_year=draw(st.sampled_from([2028, 2029, 2031])))
    return doc
