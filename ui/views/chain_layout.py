"""Where the chain view puts things, pure geometry (no Qt): stage columns left to right, node
size and pitches in scene units, and how many nodes one sub-column stacks so the chain fits."""

from __future__ import annotations

import math

from models.vocab import Stage

COLUMNS: tuple[tuple[str, tuple[Stage, ...]], ...] = (
    ("Mines", (Stage.MINE,)),
    ("Cracking", (Stage.CRACKING,)),
    ("Separation / recycling", (Stage.SEPARATION, Stage.RECYCLING)),
    ("Metal / cobalt", (Stage.METAL, Stage.COBALT)),
    ("Magnets", (Stage.MAGNET_NDFEB, Stage.MAGNET_SMCO)),
)
COLUMN_OF = {stage: c for c, (_title, stages) in enumerate(COLUMNS) for stage in stages}

NODE_W, NODE_H = 214.0, 58.0
ROW_GAP = 74.0  # node pitch within a column
SUB_GAP = NODE_W + 26.0  # pitch of the sub-columns of one tall stage column
COL_SPACE = 70.0  # extra room between stage columns for the arrows
COL_GAP = NODE_W + COL_SPACE  # pitch of stage columns that fit in one sub-column
TOP = 40.0
LEGEND_H = 70.0
DEFAULT_VIEW = (1000, 650)
#: the view size the columns are planned for, whatever the window's size: the layout then depends
#: on the project alone (the same after save and reopen, or in a larger window); Fit scales it
LAYOUT_VIEW = DEFAULT_VIEW


def rows_per_column(counts: list[int], view_w: float, view_h: float) -> int:
    """Most nodes stacked in one sub-column, chosen so the whole chain fits the view largest.

    A stage column with n facilities is drawn as ceil(n / cap) sub-columns of at most ``cap``
    nodes. Scene width = sub-columns x SUB_GAP + gaps between stage columns; height =
    cap x ROW_GAP + title and legend. Returns the cap with the largest fit scale
    min(view_w / width, view_h / height) (ties: the taller layout, fewer sub-columns).
    """
    tallest = max(counts, default=1) or 1
    best_scale, best_cap = -1.0, tallest
    for cap in range(tallest, min(tallest, 4) - 1, -1):
        subs = [max(1, math.ceil(n / cap)) for n in counts]
        width = sum(subs) * SUB_GAP + (len(counts) - 1) * COL_SPACE
        height = TOP + cap * ROW_GAP + LEGEND_H
        scale = min(view_w / width, view_h / height)
        if scale > best_scale + 1e-9:
            best_scale, best_cap = scale, cap
    return best_cap


def column_slots(n: int, cap: int) -> list[tuple[int, int]]:
    """(sub-column, row) of each of a stage column's ``n`` nodes, in order, with at most ``cap``
    per sub-column and the sub-columns filled evenly: 13 nodes with a cap of 12 are 7 + 6, not
    12 + 1 (a last sub-column holding one SmCo plant on its own).

    subs = ceil(n / cap); per = ceil(n / subs); node r sits at (r // per, r % per).
    """
    if n <= 0:
        return []
    subs = max(1, math.ceil(n / max(cap, 1)))
    per = math.ceil(n / subs)
    return [(r // per, r % per) for r in range(n)]
