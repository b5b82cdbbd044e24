"""Transfers to the regional 988 center, warm and cold, beside the CCD phone line's calls
(docs/police_and_988.md): by the CCD clinician (a phone disposition) or by a dispatcher."""

from __future__ import annotations

from dashboards.metrics.period import Period
from dashboards.metrics.presentation import (
    REFERENCES,
    Cell,
    Figure,
    Table,
    link,
    pct,
    pct_of_text,
    share_cell,
)
from dispatch.models import CCD_TRANSFERRED_TO_988, TRANSFERS_988


def transfers_988_section(
    period: Period,
    rows: list[tuple[str, str, str, int]],
    figures: list[Figure],
    tables: dict[str, Table],
) -> None:
    # (who, warm or cold) -> calls; who is "ccd" when the clinician's phone disposition says
    # so, else "dispatch".
    counts: dict[tuple[str, str], int] = {}
    phone_calls = 0
    for _disposition, ccd, transfer, n in rows:
        if ccd:
            phone_calls += n
        if transfer:
            who = "ccd" if ccd == CCD_TRANSFERRED_TO_988 else "dispatch"
            counts[(who, transfer)] = counts.get((who, transfer), 0) + n
    by_mode = {
        code: sum(n for (_, t), n in counts.items() if t == code) for code, _ in TRANSFERS_988
    }
    total = sum(by_mode.values())
    ccd_total = sum(n for (who, _), n in counts.items() if who == "ccd")
    share = pct(ccd_total, phone_calls)
    figures.append(
        Figure(
            "transfers_988",
            "Transfers to 988",
            f"{total:,} ({by_mode.get('warm', 0):,} warm, {by_mode.get('cold', 0):,} cold)",
            total,
            REFERENCES["transfers_988"],
            url=period.url("dashboards_calls", transfer_988="any"),
            detail=pct_of_text(
                share, phone_calls, "calls the CCD line ended", none="the CCD line ended no call"
            ),
        )
    )
    table_rows: list[list[Cell]] = []
    for who, label in (("ccd", "By phone (CCD clinician)"), ("dispatch", "By a dispatcher")):
        for code, mode in TRANSFERS_988:
            n = counts.get((who, code), 0)
            table_rows.append(
                [
                    Cell(label),
                    Cell(mode, value=code),
                    link(period, f"{n:,}", n, transfer_988=code, transfer_by=who),
                    share_cell(n, total),
                ]
            )
    table_rows.append(
        [
            Cell("All"),
            Cell("Warm and cold", value=""),
            Cell(f"{total:,}", value=total, numeric=True),
            share_cell(total, total),
        ]
    )
    tables["transfers_988"] = Table(
        "transfers_988",
        "Transfers to the 988 center",
        ["By", "Transfer", "Calls", "Share"],
        table_rows,
        note="Warm: the caller is handed over on the line; cold: given the number or put "
        "through without a hand-over. The figure's share is of the calls the CCD phone line "
        "ended with a phone disposition (converted calls included).",
    )
