"""How calls ended: the field's dispositions and the phone line's (CCD), side by side."""

from __future__ import annotations

from collections import defaultdict

from dashboards.metrics.period import Period
from dashboards.metrics.presentation import Cell, Table, link, pct, pct_text, share_cell
from dispatch.models import CCD_DISPOSITIONS, CCD_RESOLUTIONS, DISPOSITIONS

# A call the phone line resolved carries the phone's code as its disposition too: it is
# counted once, by phone. A converted call counts on both sides: converted by phone, then
# its field disposition.
PHONE_RESOLUTIONS = frozenset(code for code, _ in CCD_RESOLUTIONS)


def dispositions_section(
    period: Period, rows: list[tuple[str, str, str, int]], tables: dict[str, Table]
) -> None:
    field: dict[str, int] = defaultdict(int)
    phone: dict[str, int] = defaultdict(int)
    for disposition, ccd, _transfer_988, n in rows:
        if ccd:
            phone[ccd] += n
        if disposition and ccd not in PHONE_RESOLUTIONS:
            field[disposition] += n
    table_rows: list[list[Cell]] = []
    for channel, counts, choices, param in (
        ("In the field", field, DISPOSITIONS, "disposition"),
        ("By phone (CCD)", phone, CCD_DISPOSITIONS, "ccd_disposition"),
    ):
        total = sum(counts.values())
        for code, label in choices:
            n = counts.get(code, 0)
            share = pct(n, total)
            table_rows.append(
                [
                    Cell(channel),
                    Cell(label, value=code),
                    link(period, f"{n:,}", n, **{param: code}),
                    Cell(pct_text(share), value=share, numeric=True),
                ]
            )
        table_rows.append(
            [
                Cell(channel),
                Cell("All", value=""),
                Cell(f"{total:,}", value=total, numeric=True),
                share_cell(total, total),
            ]
        )
    tables["dispositions"] = Table(
        "dispositions",
        "How calls ended: field and phone dispositions",
        ["Where", "Disposition", "Calls", "Share"],
        table_rows,
        note="In the field: the disposition a HEART or co-response unit cleared with (the "
        "last unit's, on a call with several). By phone: the CCD clinician's disposition; a "
        "call converted to a field response counts there as converted and in the field with "
        "how it ended. Shares within each.",
    )
