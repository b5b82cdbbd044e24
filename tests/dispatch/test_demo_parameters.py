"""The demo's random process: one parameter file, checked when read, documented in the data
README that the generator writes from it."""

import importlib.util
from pathlib import Path

import pytest

from dispatch.demo_parameters import (
    PARAMETERS_FILE,
    ParameterError,
    Spread,
    demo_process,
    demo_process_read,
)

ROOT = Path(__file__).resolve().parents[2]


def generator():
    spec = importlib.util.spec_from_file_location(
        "make_data_excerpts", ROOT / "scripts" / "make_data_excerpts.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_reads_the_parameters_of_the_demo():
    process = demo_process()
    assert process.department.felt_safe == 0.99
    assert process.department.backup_every == Spread(100.0, 167.0, 233.0)
    assert process.times.travel_minutes == Spread(3.0, 7.0, 20.0)
    assert set(process.care.referral_outcomes) == {
        "connected",
        "waitlisted",
        "unavailable",
        "declined",
        "scheduled",
        "referred",
    }


def test_it_documents_every_parameter_in_the_data_readme():
    section = generator().render_demo_process(PARAMETERS_FILE)
    readme = (ROOT / "dispatch" / "data" / "README.md").read_text()
    assert section in readme
    assert "| `department.felt_safe` | 0.99 |" in section
    assert "| `times.travel_minutes` | 3 to 20, mode 7 |" in section


NESTED = "[ccd.nonsense]\nvalue = 1\nabout = ''\nbasis = ''\n\n[ccd.convert]"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("felt_safe]\nvalue = 0.99", "felt_safe]\nvalue = 9", "department.felt_safe: 9.0 is"),
        ("[handoff.share]\nvalue = 0.6\n", "[handoff.share]\n", "handoff.share: missing value"),
        ("[ccd.convert]", NESTED, "ccd: unknown nonsense"),
        ("value = { low = 5, high = 11 }", "value = { low = 5 }", "responses: missing high"),
    ],
)
def test_it_names_the_entry_that_is_wrong(tmp_path, old, new, message):
    text = PARAMETERS_FILE.read_text()
    assert old in text
    bad = tmp_path / "demo_process.toml"
    bad.write_text(text.replace(old, new))
    with pytest.raises(ParameterError, match=message):
        demo_process_read(bad)
