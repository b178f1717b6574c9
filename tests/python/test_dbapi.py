"""DB-API 2.0 (PEP 249) conformance tests of the zqlite module.

Plain functions with asserts: pytest runs them, and so does run_tests.py for
interpreters without pytest.
"""
import datetime
import decimal
import os
import tempfile

import zqlite


def _raises(exc_type, fn, *args):
    try:
        fn(*args)
    except exc_type as e:
        return e
    raise AssertionError("%s not raised" % exc_type.__name__)


def test_module_globals():
    assert zqlite.apilevel == "2.0"
    assert zqlite.threadsafety in (0, 1, 2, 3)
    assert zqlite.paramstyle in ("qmark", "numeric")
    for name in ("Warning", "Error", "InterfaceError", "DatabaseError", "DataError",
                 "OperationalError", "IntegrityError", "InternalError", "ProgrammingError",
                 "NotSupportedError"):
        assert issubclass(getattr(zqlite, name), Exception)
    assert issubclass(zqlite.IntegrityError, zqlite.DatabaseError)
    assert issubclass(zqlite.DatabaseError, zqlite.Error)
    assert issubclass(zqlite.InterfaceError, zqlite.Error)


def test_execute_fetch_description_rowcount():
    con = zqlite.connect(":memory:")
    cur = con.cursor()
    cur.execute("CREATE TABLE t (id integer PRIMARY KEY, name text, price numeric(10,2), "
                "ok boolean, data bytea, r double precision)")
    cur.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", [
        (1, "apple", decimal.Decimal("1.50"), True, b"\x00\x01", 0.5),
        (2, "pear", None, False, None, None),
        (3, "plum", decimal.Decimal("2"), None, bytearray(b"z"), 1e300),
    ])
    assert cur.rowcount == 3
    cur.execute("SELECT id, name, price, ok, data, r FROM t ORDER BY id")
    assert [d[0] for d in cur.description] == ["id", "name", "price", "ok", "data", "r"]
    assert cur.description[2][1] == "numeric" and cur.description[2][4:6] == (10, 2)
    assert cur.description[0][1] == zqlite.NUMBER
    assert cur.description[1][1] == zqlite.STRING
    assert cur.description[4][1] == zqlite.BINARY
    assert cur.rowcount == 3
    first = cur.fetchone()
    assert first == (1, "apple", decimal.Decimal("1.50"), True, b"\x00\x01", 0.5)
    assert isinstance(first[2], decimal.Decimal) and isinstance(first[3], bool)
    assert cur.fetchmany(1) == [(2, "pear", None, False, None, None)]
    assert cur.fetchall() == [(3, "plum", decimal.Decimal("2.00"), None, b"z", 1e300)]
    assert cur.fetchone() is None
    cur.execute("UPDATE t SET name = upper(name) WHERE id >= $1", (2,))
    assert cur.rowcount == 2
    assert cur.description is None
    assert [r[0] for r in con.execute("SELECT name FROM t ORDER BY id")] == ["apple", "PEAR", "PLUM"]
    con.close()


def test_numeric_is_exact_and_big_integers_survive():
    con = zqlite.connect(":memory:")
    con.execute("CREATE TABLE m (v numeric(38,2))")
    for _ in range(10):
        con.execute("INSERT INTO m VALUES (?)", (decimal.Decimal("0.10"),))
    assert con.execute("SELECT sum(v) FROM m").fetchone()[0] == decimal.Decimal("1.00")
    big = 10 ** 30 + 7
    assert con.execute("SELECT CAST(? AS numeric) + 1", (big,)).fetchone()[0] == big + 1
    # An untyped parameter takes its type from the context, as in PostgreSQL.
    assert con.execute("SELECT ? + 1", (41,)).fetchone()[0] == 42
    assert con.execute("SELECT 'n' || ?", (5,)).fetchone()[0] == "n5"
    con.close()


def test_transactions_commit_rollback_and_context_manager():
    path = os.path.join(tempfile.mkdtemp(), "t.zq")
    con = zqlite.connect(path)
    con.execute("CREATE TABLE a (x int)")
    con.commit()
    con.execute("INSERT INTO a VALUES (1)")
    assert con.in_transaction
    con.rollback()
    assert con.execute("SELECT count(*) FROM a").fetchone()[0] == 0
    con.rollback()
    with con:
        con.execute("INSERT INTO a VALUES (2)")
    try:
        with con:
            con.execute("INSERT INTO a VALUES (3)")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    con.close()
    con = zqlite.connect(path)
    assert con.execute("SELECT x FROM a").fetchall() == [(2,)]
    con.close()
    auto = zqlite.connect(path, autocommit=True)
    auto.execute("INSERT INTO a VALUES (4)")
    assert not auto.in_transaction
    auto.close()
    assert zqlite.connect(path).execute("SELECT count(*) FROM a").fetchone()[0] == 2


def test_exception_hierarchy_follows_sqlstate():
    con = zqlite.connect(":memory:", autocommit=True)
    con.execute("CREATE TABLE u (id int PRIMARY KEY, v int NOT NULL CHECK (v > 0))")
    con.execute("INSERT INTO u VALUES (1, 1)")
    e = _raises(zqlite.IntegrityError, con.execute, "INSERT INTO u VALUES (1, 1)")
    assert e.sqlstate == "23505"
    assert _raises(zqlite.IntegrityError, con.execute, "INSERT INTO u VALUES (2, NULL)").sqlstate == "23502"
    assert _raises(zqlite.DataError, con.execute, "SELECT 1/0").sqlstate == "22012"
    assert _raises(zqlite.ProgrammingError, con.execute, "SELECT * FROM nope").sqlstate == "42P01"
    assert _raises(zqlite.ProgrammingError, con.execute, "SELEKT").sqlstate == "42601"
    assert _raises(zqlite.NotSupportedError, con.execute, "CREATE TRIGGER t1 AFTER INSERT ON u BEGIN SELECT 1; END").sqlstate == "0A000"
    _raises(zqlite.ProgrammingError, con.execute, "SELECT ?", (1, 2))
    _raises(zqlite.ProgrammingError, con.execute, "SELECT 1; SELECT 2")
    _raises(zqlite.NotSupportedError, con.execute, "SELECT ?", (object(),))
    con.close()
    _raises(zqlite.ProgrammingError, con.cursor)


def test_cursor_iteration_and_close():
    con = zqlite.connect(":memory:")
    cur = con.execute("SELECT x FROM (VALUES (1), (2), (3)) AS v(x) ORDER BY x")
    assert [r[0] for r in cur] == [1, 2, 3]
    cur.arraysize = 2
    cur.execute("SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3")
    assert len(cur.fetchmany()) == 2
    cur.close()
    _raises(zqlite.InterfaceError, cur.fetchone)
    con.close()


def test_encrypted_database_needs_its_key():
    path = os.path.join(tempfile.mkdtemp(), "k.zq")
    key = bytes(range(32))
    with zqlite.connect(path, key=key) as con:
        con.execute("CREATE TABLE s (v text)")
        con.execute("INSERT INTO s VALUES ('secret')")
    con.close()
    with open(path, "rb") as f:
        assert b"secret" not in f.read()
    e = _raises(zqlite.DatabaseError, zqlite.connect, path, bytes(32))
    assert e.sqlstate in ("28000", "XX001")
    con = zqlite.connect(path, key=key.hex())
    assert con.execute("SELECT v FROM s").fetchone() == ("secret",)
    con.close()


def test_executescript_runs_every_statement():
    con = zqlite.connect(":memory:", autocommit=True)
    con.executescript("CREATE TABLE w (x int); INSERT INTO w VALUES (1); INSERT INTO w VALUES (2);")
    assert con.execute("SELECT sum(x) FROM w").fetchone()[0] == 3
    con.close()


def test_dates_and_timestamps_round_trip():
    con = zqlite.connect(":memory:")
    con.execute("CREATE TABLE e (id integer PRIMARY KEY, d date, ts timestamp, tz timestamptz)")
    utc = datetime.timezone.utc
    plus2 = datetime.timezone(datetime.timedelta(hours=2))
    rows = [
        (1, datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 13, 45, 7, 123456),
         datetime.datetime(2024, 2, 29, 13, 45, 7, tzinfo=plus2)),
        (2, zqlite.Date(1, 1, 1), zqlite.Timestamp(1969, 12, 31, 23, 59, 59, 999999),
         datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=utc)),
        (3, None, None, None),
    ]
    con.executemany("INSERT INTO e VALUES (?, ?, ?, ?)", rows)
    got = con.execute("SELECT * FROM e ORDER BY id").fetchall()
    assert got[0] == (1, datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 13, 45, 7, 123456),
                      datetime.datetime(2024, 2, 29, 11, 45, 7, tzinfo=utc))
    assert got[0][3].tzinfo == utc  # TIMESTAMPTZ reads back aware, in UTC
    assert got[1] == rows[1]
    assert got[2] == rows[2]
    cur = con.execute("SELECT d, ts, tz FROM e WHERE d = ?", (datetime.date(2024, 2, 29),))
    assert [c[1] for c in cur.description] == ["date", "timestamp without time zone",
                                               "timestamp with time zone"]
    assert all(c[1] == zqlite.DATETIME for c in cur.description)
    assert cur.fetchone()[0] == datetime.date(2024, 2, 29)
    assert con.execute("SELECT ?::date + 1", (datetime.date(2024, 2, 28),)).fetchone() == (
        datetime.date(2024, 2, 29),)
    assert isinstance(con.execute("SELECT now()").fetchone()[0], datetime.datetime)
    assert isinstance(zqlite.DateFromTicks(0), datetime.date)
    assert isinstance(zqlite.TimestampFromTicks(0), datetime.datetime)
    _raises(zqlite.DataError, con.execute, "SELECT DATE '2023-02-29'")
    _raises(zqlite.NotSupportedError, con.execute, "SELECT ?", (datetime.time(10, 0),))
