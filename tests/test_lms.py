"""Canvas and Moodle files without kernels: rosters, downloads, byte-exact CSV editing, feedback names.

The files are built by tests/lms_files.py, the way Canvas and Moodle write them.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from lms_files import (
    Person,
    canvas_download,
    canvas_entry,
    canvas_gradebook,
    moodle_download,
    moodle_entry,
    moodle_worksheet,
)

from grader.lms import canvas, download, grades, moodle
from grader.lms.csvfile import CsvFile
from grader.lms.roster import LmsError, read_roster

# ----------------------------------------------------------------------------------- files


def notebook(grade_ids: list[str], answer: str = "x = 1") -> bytes:
    cells = [
        {
            "cell_type": "code",
            "metadata": {"nbgrader": {"grade_id": g, "solution": True, "grade": False}},
            "source": answer,
            "outputs": [],
            "execution_count": None,
        }
        for g in grade_ids
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


PEOPLE = [
    Person("Ana", "García", "agarcia", 20001, 1234501),
    Person("Seán", "O'Brien", "sobrien", 20002, 1234502),
    Person("Mary Jane", "van der Berg", "mvdberg", 20003, 1234503),
    Person("Li", "Wei", "lwei", 20004, 1234504),
]
LESSONS = {
    "00_welcome": {"setup", "count_positive", "test_count_positive"},
    "01_linear_algebra": {"setup", "dot", "test_dot", "matmul", "test_matmul"},
}  # "setup" in both


# ----------------------------------------------------------------------------------- CSV file


@pytest.mark.parametrize(
    "text",
    [
        "a,b,c\r\n1,2,3\r\n",
        "\ufeffIdentifier,\"Full name\"\n\"Participant 1\",\"A, B\"\n",
        'x,"multi\nline",""\n,,\n\nlast,row,no newline',
        'q,"say ""hi""",end,\n',
        "trailing,comma,",
    ],
)
def test_csv_round_trip_is_byte_exact(text):
    data = text.encode()
    assert CsvFile.parse(data).to_bytes() == data


def test_csv_edit_changes_only_that_field():
    data = '\ufeffStudent,ID,"Score"\r\n"Doe, Jane",1,\r\n"Roe, Rick",2,"old"\r\nend'.encode()
    table = CsvFile.parse(data)
    assert table.rows[1] == ["Doe, Jane", "1", ""]
    table.set(1, 2, "7.50")
    table.set(2, 2, "8.00")  # a quoted field stays quoted
    table.set(1, 1, 'a,"b"')  # a value that must be quoted is quoted
    out = table.to_bytes().decode()
    assert out == '\ufeffStudent,ID,"Score"\r\n"Doe, Jane","a,""b""",7.50\r\n"Roe, Rick",2,"8.00"\r\nend'
    assert CsvFile.parse(out.encode()).rows[1] == ["Doe, Jane", 'a,"b"', "7.50"]


def test_csv_unclosed_quote_is_a_clear_error():
    with pytest.raises(ValueError, match="never ends"):
        CsvFile.parse(b'a,b\n"open,2\n')


# ----------------------------------------------------------------------------------- Canvas


def write(tmp_path, name, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_canvas_roster_reads_students_and_skips_non_students(tmp_path):
    path = write(tmp_path, "gb.csv", canvas_gradebook(PEOPLE, newline="\r\n", extra_identity=True))
    roster = read_roster(path, "canvas")
    assert [s.student_id for s in roster.students] == ["agarcia", "sobrien", "mvdberg", "lwei"]
    assert roster.by_lms_id()["20002"].name == "O'Brien, Seán"
    assert roster.students[1].first_name == "Seán" and roster.students[1].last_name == "O'Brien"
    reasons = [why for _, why in roster.skipped_rows]
    assert any("Test Student" in r for r in reasons) and any("no Canvas ID" in r for r in reasons)
    assert roster.points_row == 2
    assert canvas.points_possible(roster, canvas.find_column(roster, "00_welcome")) == 5.0


def test_canvas_roster_other_id_column_and_bad_ids(tmp_path):
    data = canvas_gradebook(PEOPLE).replace(b",agarcia,", b",,")
    roster = read_roster(write(tmp_path, "gb.csv", data), "canvas")
    assert "agarcia" not in roster.by_student_id()
    assert any("García" in why and "SIS Login ID empty" in why for _, why in roster.skipped_rows)
    by_sis = read_roster(write(tmp_path, "gb2.csv", data), "canvas", id_column="SIS User ID")
    assert [s.student_id for s in by_sis.students] == ["U0000", "U0001", "U0002", "U0003"]
    with pytest.raises(LmsError, match="no column 'Login'"):
        read_roster(write(tmp_path, "gb3.csv", data), "canvas", id_column="Login")


def test_canvas_assignment_column(tmp_path):
    data = canvas_gradebook(
        PEOPLE,
        assignments=(
            ("00_welcome", 1201, "5.00"),
            ("Lesson 01_linear_algebra", 1202, "10"),
            ("01_linear_algebra retake", 1203, "10"),
        ),
    )
    roster = read_roster(write(tmp_path, "gb.csv", data), "canvas")
    assert roster.columns[canvas.find_column(roster, "00_welcome")] == "00_welcome (1201)"
    with pytest.raises(LmsError, match="several columns for lesson 01_linear_algebra"):
        canvas.find_column(roster, "01_linear_algebra")
    assert canvas.find_column(roster, "01_linear_algebra", "01_linear_algebra retake") == 7
    assert canvas.find_column(roster, "01_linear_algebra", "Lesson 01_linear_algebra (1202)") == 6
    with pytest.raises(LmsError, match="no assignment column for lesson 03_layers.*--column"):
        canvas.find_column(roster, "03_layers")
    with pytest.raises(LmsError, match="no column 'Quiz 9'"):
        canvas.find_column(roster, "03_layers", "Quiz 9")


def test_canvas_header_rows_that_differ(tmp_path):
    with pytest.raises(LmsError, match="not a Canvas gradebook export"):
        read_roster(write(tmp_path, "a.csv", b"Name,Login,Score\nAna,agarcia,3\n"), "canvas")
    with pytest.raises(LmsError, match="not a Moodle grading worksheet"):
        read_roster(write(tmp_path, "b.csv", canvas_gradebook(PEOPLE)), "moodle")
    with pytest.raises(LmsError, match="NUL bytes"):
        read_roster(write(tmp_path, "c.csv", b"PK\x03\x04\x00\x00binary"), "canvas")
    # a row with a field too many is reported, not guessed at
    data = canvas_gradebook(PEOPLE[:2]).replace(b"U0001,sobrien,Sec 1,", b"U0001,sobrien,Sec 1,,")
    roster = read_roster(write(tmp_path, "d.csv", data), "canvas")
    assert [s.student_id for s in roster.students] == ["agarcia"]
    assert any("field(s) where the header has" in why for _, why in roster.skipped_rows)


def test_canvas_entry_names():
    ana, sean = PEOPLE[0], PEOPLE[1]
    assert canvas_entry(sean, 777, "00_welcome.ipynb", late=True) == "obrienseán_LATE_20002_777_00_welcome.ipynb"
    got = canvas.parse_entry(canvas_entry(sean, 777, "00_welcome-2.ipynb", late=True))
    assert got == {
        "lms_id": "20002",
        "name": "obrienseán",
        "late": True,
        "file": "00_welcome-2.ipynb",
        "attachment_id": "777",
        "order": (777, 2),
    }
    assert canvas.parse_entry(canvas_entry(ana, 5, "my_work_12_3.ipynb"))["file"] == "my_work_12_3.ipynb"
    assert "text entry" in canvas.parse_entry("garcíaana_20001_text.html")["error"]
    assert "anonymous" in canvas.parse_entry("anon_x7Yq2_555_00_welcome.ipynb")["error"]
    assert "not named" in canvas.parse_entry("00_welcome.ipynb")["error"]


# ----------------------------------------------------------------------------------- Moodle


def test_moodle_roster_and_times(tmp_path):
    data = moodle_worksheet(PEOPLE, {"agarcia": "Tuesday, 5 March 2030, 3:12 PM"})
    roster = read_roster(write(tmp_path, "ws.csv", data), "moodle")
    assert roster.table.bom
    assert [s.student_id for s in roster.students] == ["agarcia", "sobrien", "mvdberg", "lwei"]
    ana = roster.by_lms_id()["1234501"]
    assert ana.email == "agarcia@uni.example" and ana.name == "Ana García"
    assert moodle.submitted_at(roster, ana, "Europe/Madrid").isoformat() == "2030-03-05T14:12:00+00:00"
    assert moodle.submitted_at(roster, roster.students[1], "UTC") is None
    assert moodle.max_grade(roster, ana) == 100.0
    full = read_roster(write(tmp_path, "ws2.csv", data), "moodle", id_column="Email address")
    assert full.students[0].student_id == "agarcia@uni.example"


def test_moodle_entry_names():
    ana = PEOPLE[0]
    for trailing in (True, False):
        got = moodle.parse_entry(moodle_entry(ana, "00_welcome.ipynb", trailing))
        assert got["lms_id"] == "1234501" and got["file"] == "00_welcome.ipynb" and got["name"] == "Ana García"
    flat = moodle.parse_entry("Ana García_1234501_assignsubmission_file_00_welcome.ipynb")
    assert flat["lms_id"] == "1234501" and flat["file"] == "00_welcome.ipynb"
    assert (
        "online text" in moodle.parse_entry("Ana García_1234501_assignsubmission_onlinetext_/onlinetext.html")["error"]
    )
    assert "Moodle download" in moodle.parse_entry("random/file.ipynb")["error"]


# ----------------------------------------------------------------------------------- planning a download


def test_canvas_download_every_bad_input(tmp_path):
    people = PEOPLE + [Person("Gone", "Away", "gaway", 20099, 1234599)]
    roster = read_roster(write(tmp_path, "gb.csv", canvas_gradebook(PEOPLE)), "canvas")
    good = notebook(sorted(LESSONS["00_welcome"]))
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("00_welcome.ipynb", good)
    files = [
        (canvas_entry(people[0], 100, "00_welcome.ipynb"), good),  # superseded by 140
        (canvas_entry(people[0], 140, "00_welcome-1.ipynb"), good),  # newest: graded
        (canvas_entry(people[0], 120, "notes.py"), b"print(1)"),  # a .py beside it
        (canvas_entry(people[1], 101, "00_welcome.ipynb", late=True), good),  # late, accents, apostrophe
        (canvas_entry(people[2], 102, "00_welcome.zip"), inner.getvalue()),  # zipped notebook
        (canvas_entry(people[2], 103, "Untitled.ipynb"), notebook([])),  # a blank new notebook
        (canvas_entry(people[3], 104, "00_welcome.ipynb"), notebook(sorted(LESSONS["01_linear_algebra"]))),
        (canvas_entry(people[4], 105, "00_welcome.ipynb"), good),  # not in the roster
        ("__MACOSX/._x", b"junk"),
    ]
    the_plan = download.plan(canvas_download(tmp_path / "dl.zip", files), "canvas", roster, "00_welcome", LESSONS)
    by = {(i.student_id or i.lms_id, i.entry): i for i in the_plan.items}
    assert the_plan.chosen["agarcia"].attachment_id == "140"
    assert "superseded" in by[("agarcia", canvas_entry(people[0], 100, "00_welcome.ipynb"))].detail
    assert "Python script" in by[("agarcia", canvas_entry(people[0], 120, "notes.py"))].detail
    assert the_plan.chosen["sobrien"].outcome == "late" and "LATE" in the_plan.chosen["sobrien"].detail
    assert "archive" in by[("mvdberg", canvas_entry(people[2], 102, "00_welcome.zip"))].detail
    assert "Untitled.ipynb?" in by[("mvdberg", canvas_entry(people[2], 103, "Untitled.ipynb"))].detail
    assert (
        "lesson 01_linear_algebra, not 00_welcome"
        in by[("lwei", canvas_entry(people[3], 104, "00_welcome.ipynb"))].detail
    )
    unmatched = [i for i in the_plan.items if i.outcome == "unmatched"]
    assert len(unmatched) == 1 and "20099" in unmatched[0].detail and "not a student" in unmatched[0].detail
    assert the_plan.count("skipped") == 6 and the_plan.count("missing") == 0
    assert sorted(the_plan.chosen) == ["agarcia", "sobrien"]
    # nothing dropped silently: every zip entry has exactly one line
    assert len([i for i in the_plan.items if i.entry]) == len(files)


def test_moodle_download_two_files_renamed_cells_broken_json_and_missing(tmp_path):
    roster = read_roster(
        write(tmp_path, "ws.csv", moodle_worksheet(PEOPLE, {"agarcia": "5 March 2030, 10:00 AM"})), "moodle"
    )
    ids = sorted(LESSONS["00_welcome"])
    renamed = notebook([i if i != "count_positive" else "my_cell" for i in ids])
    files = [
        (moodle_entry(PEOPLE[0], "00_welcome.ipynb"), renamed),
        (moodle_entry(PEOPLE[0], "00_welcome (copy).ipynb"), notebook(ids)),
        (moodle_entry(PEOPLE[1], "00_welcome.ipynb", trailing=False), b"{not json"),
    ]
    due = download.datetime(2030, 3, 5, 9, 0, tzinfo=download.timezone.utc)
    the_plan = download.plan(
        moodle_download(tmp_path / "dl.zip", files), "moodle", roster, "00_welcome", LESSONS, duedate=due, tz="UTC"
    )
    chosen = the_plan.chosen
    assert chosen["agarcia"].file == "00_welcome.ipynb" and chosen["agarcia"].outcome == "late"
    assert "renamed or deleted (count_positive)" in chosen["agarcia"].detail
    assert "2 notebooks from this student" in chosen["agarcia"].detail
    assert chosen["agarcia"].timestamp.isoformat() == "2030-03-05T10:00:00+00:00"
    assert "not valid notebook JSON" in chosen["sobrien"].detail
    assert {i.student_id for i in the_plan.items if i.outcome == "missing"} == {"mvdberg", "lwei"}


def test_corrupt_and_empty_zips(tmp_path):
    roster = read_roster(write(tmp_path, "gb.csv", canvas_gradebook(PEOPLE)), "canvas")
    with pytest.raises(LmsError, match="not a zip file or is damaged"):
        download.plan(
            write(tmp_path, "bad.zip", b"PK\x03\x04 this is not a zip"), "canvas", roster, "00_welcome", LESSONS
        )
    good = canvas_download(
        tmp_path / "ok.zip",
        [(canvas_entry(PEOPLE[0], 1, "00_welcome.ipynb"), notebook(sorted(LESSONS["00_welcome"])) * 40)],
    )
    data = bytearray(good.read_bytes())
    start = data.index(b"00_welcome.ipynb") + len("00_welcome.ipynb") + 200
    data[start : start + 50] = b"\x00" * 50  # damage the stored bytes (CRC no longer matches)
    the_plan = download.plan(write(tmp_path, "damaged.zip", bytes(data)), "canvas", roster, "00_welcome", LESSONS)
    assert [i.outcome for i in the_plan.items if i.entry] == ["skipped"]
    assert "damaged inside the zip" in the_plan.items[0].detail
    with pytest.raises(LmsError, match="holds no files"):
        download.plan(canvas_download(tmp_path / "empty.zip", []), "canvas", roster, "00_welcome", LESSONS)


# ----------------------------------------------------------------------------------- grades back


def export_row(student, score, status, max_score="5"):
    return {"student_id": student, "lesson": "00_welcome", "score": score, "max_score": max_score, "status": status}


def test_canvas_grades_written_in_place(tmp_path):
    original = canvas_gradebook(
        PEOPLE, assignments=(("00_welcome", 1201, "10.00"), ("01_linear_algebra", 1202, "7")), newline="\r\n"
    )
    roster = read_roster(write(tmp_path, "gb.csv", original), "canvas")
    rows = [
        export_row("agarcia", "5", "ok"),
        export_row("sobrien", "", "failed: kernel died"),
        export_row("mvdberg", "2.5", "flagged: patches numpy; late"),
        export_row("lwei", "0", "missing"),
        export_row("ghost", "3", "ok"),
    ]
    result = grades.fill_rows(roster, "00_welcome", "canvas", rows)
    out = roster.table.to_bytes()
    expected = original.replace(b"agarcia,Sec 1,,", b"agarcia,Sec 1,10.00,").replace(
        b"mvdberg,Sec 1,,", b"mvdberg,Sec 1,5.00,"
    )
    assert out == expected
    assert result.failed == [("sobrien", "failed: kernel died")]
    assert result.flagged == [("mvdberg", "flagged: patches numpy; late")]
    assert result.no_submission == ["lwei"] and result.not_in_roster == ["ghost"]
    assert "scaled from the lesson's 5 points to the LMS's 10" in result.scaled
    text = grades.report(result, "00_welcome", "canvas")
    assert "left blank (not a 0)" in text and "ghost" in text


def test_moodle_grades_and_feedback_comments(tmp_path):
    original = moodle_worksheet(PEOPLE[:2], max_grade="5.00")
    roster = read_roster(write(tmp_path, "ws.csv", original), "moodle")
    grades.fill_rows(
        roster,
        "00_welcome",
        "moodle",
        [export_row("agarcia", "4", "late"), export_row("sobrien", "", "failed: timeout")],
    )
    out = roster.table.to_bytes().decode("utf-8")
    assert out.startswith("\ufeff")
    line = out.splitlines()[1]
    assert line == (
        '"Participant 1234501","Ana García",agarcia@uni.example,"No submission",4.00,5.00,Yes,-,-,'
        '"00_welcome: 4 of 5 points (submitted late)"'
    )
    assert out.splitlines()[2] == original.decode("utf-8").splitlines()[2]


def test_feedback_names():
    from grader.lms.roster import Student

    sean = Student(3, "20002", "O'Brien, Seán", "sobrien")
    name, note = canvas.feedback_name(sean, "00_welcome", {"attachment_id": "777"})
    assert name == "obrienseán_20002_777_00_welcome_feedback.html" and not note
    # Canvas reads the first two all-digit parts as user id and attachment id
    assert [p for p in name.split("_") if p.isdigit()][:2] == ["20002", "777"]
    assert "by hand" in canvas.feedback_name(sean, "00_welcome", None)[1]
    jane = Student(1, "1234503", "Mary_Jane van der Berg", "mvdberg")
    assert (
        moodle.feedback_name(jane, "00_welcome", None)[0]
        == "Mary Jane van der Berg_1234503_assignsubmission_file_/00_welcome_feedback.html"
    )
