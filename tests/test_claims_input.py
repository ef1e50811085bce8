"""Reading the text to check (issue 16, part 8): the encoding is detected, a binary file and a file over the
size cap are refused with one line naming the file, and the command line exits 2 on them without a
traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from spillover.claims import MAX_TEXT_BYTES, ClaimsTextError, read_claims_text
from spillover.cli import app

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "aqim-assessment.txt"
#: Western-European letters and typographic punctuation, as a French or English writer's word processor saves them.
ACCENTED = (
    "Mokhtar Belmokhtar’s “Signed-in-Blood” battalion attacked the gas plant near In Aménas — the café "
    "à Tombouctou, Aïn Séfra and Ménaka were hit in 2012; the GSPC’s “émir” fled… to Gao.\n"
)


@pytest.fixture(scope="module")
def reference_text(real_data: Path) -> str:
    path = REFERENCE if REFERENCE.is_file() else real_data.parent / "reference" / "aqim-assessment.txt"
    if not path.is_file():
        pytest.skip(f"reference article not found at {path}")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "utf-16-be"])
def test_the_reference_article_reads_the_same_in_any_common_encoding(
    tmp_path: Path, reference_text: str, encoding: str
) -> None:
    path = tmp_path / f"article.{encoding}.txt"
    path.write_bytes(reference_text.encode(encoding))
    assert read_claims_text(path) == reference_text


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_accented_text_is_decoded_letter_for_letter(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes((ACCENTED * 3).encode(encoding))
    assert read_claims_text(path) == ACCENTED * 3


def test_binary_files_are_refused_with_one_line(tmp_path: Path, real_data: Path) -> None:
    gz = real_data / "events" / "gtd_somalia_1975_2018_renamed.csv.gz"  # compressed: not text
    png = Path(__file__).resolve().parents[1] / "docs" / "report-page1.png"
    for path in (gz, png):
        with pytest.raises(ClaimsTextError) as caught:
            read_claims_text(path)
        message = str(caught.value)
        assert message.startswith(str(path)) and "not a text file" in message and "\n" not in message
    nul = tmp_path / "with-nul.txt"
    nul.write_bytes(b"AQIM attacked Algiers in 2007.\x00\x00\x01\x02 and more")
    with pytest.raises(ClaimsTextError, match="not a text file"):
        read_claims_text(nul)


def test_size_cap(tmp_path: Path) -> None:
    line = "AQIM expanded operations into Libya in 2011.\n"
    at_cap = tmp_path / "at-cap.txt"
    at_cap.write_text(line * (MAX_TEXT_BYTES // len(line)), encoding="utf-8")
    assert at_cap.stat().st_size <= MAX_TEXT_BYTES and read_claims_text(at_cap).startswith(line)
    over = tmp_path / "over-cap.txt"
    over.write_text(line * (MAX_TEXT_BYTES // len(line) + 1), encoding="utf-8")
    assert over.stat().st_size > MAX_TEXT_BYTES
    with pytest.raises(ClaimsTextError) as caught:
        read_claims_text(over)
    assert str(over) in str(caught.value) and f"{MAX_TEXT_BYTES:,} bytes" in str(caught.value)
    with pytest.raises(ClaimsTextError, match="cannot read it"):
        read_claims_text(tmp_path / "missing.txt")


def test_the_command_refuses_bad_files_with_one_line_and_exit_2(tmp_path: Path, real_data: Path) -> None:
    store = tmp_path / "never-created.duckdb"
    over = tmp_path / "big.txt"
    over.write_bytes(b"a" * (MAX_TEXT_BYTES + 1))
    for path in (real_data / "events" / "gtd1993_0615dist.csv.gz", over, tmp_path / "missing.txt"):
        result = CliRunner().invoke(app, ["check", str(path), "--group", "AQIM", "--store", str(store)])
        assert result.exit_code == 2, result.output
        assert isinstance(result.exception, SystemExit)  # no traceback
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and path.name in lines[0]
    assert not store.exists()  # refused before anything was opened
