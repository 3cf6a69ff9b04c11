"""CSV exports stream a batch at a time and stay safe for spreadsheets across batches."""

from __future__ import annotations

from qframe.csvio import iter_csv, write_csv


def test_streamed_csv_is_the_same_text_in_header_then_batches_with_formulas_neutralised() -> None:
    rows = [["A", 1], ["=SUM(B1:B9)", 2], ["C", None], ["-2+3", 4], ["@cmd", 5]]
    chunks = list(iter_csv(["name", "value"], rows, batch=2))
    # header alone, then rows 1-2, 3-4 and 5: a leading = - @ gets a quote, None is empty
    assert chunks == [
        "name,value\n",
        "A,1\n'=SUM(B1:B9),2\n",
        "C,\n'-2+3,4\n",
        "'@cmd,5\n",
    ]
    assert write_csv(["name", "value"], rows) == "".join(chunks)


def test_a_stream_reads_rows_only_as_its_batches_are_taken() -> None:
    taken: list[int] = []

    def rows():  # type: ignore[no-untyped-def]
        for i in range(10):
            taken.append(i)
            yield [i]

    stream = iter_csv(["n"], rows(), batch=4)
    assert next(stream) == "n\n"
    assert taken == []
    assert next(stream) == "0\n1\n2\n3\n"
    assert taken == [0, 1, 2, 3]
