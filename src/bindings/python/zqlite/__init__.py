"""zqlite: the Python DB-API 2.0 (PEP 249) module for ZQLite.

A thin layer over the C API (libzqlite.so, loaded with ctypes), so it needs
no compiler and works with any CPython 3.9+.

    import zqlite
    with zqlite.connect("app.zq") as db:
        db.execute("CREATE TABLE IF NOT EXISTS t (id integer PRIMARY KEY, v numeric(10,2))")
        db.execute("INSERT INTO t VALUES (?, ?)", (1, decimal.Decimal("2.50")))
        print(db.execute("SELECT v FROM t").fetchall())

Transactions follow PEP 249: a statement opens one (BEGIN) when none is open,
commit() and rollback() end it; with autocommit=True every statement commits
on its own. NUMERIC values are decimal.Decimal, BYTEA bytes, BOOLEAN bool.
"""

import ctypes
import ctypes.util
import datetime
import decimal
import os
import time

__all__ = [
    "apilevel", "threadsafety", "paramstyle", "connect", "Connection", "Cursor",
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError",
    "Binary", "Date", "Time", "Timestamp", "DateFromTicks", "TimeFromTicks",
    "TimestampFromTicks", "STRING", "BINARY", "NUMBER", "ROWID", "DATETIME", "sqlite_version",
]

apilevel = "2.0"
threadsafety = 1  # threads may share the module, not connections
paramstyle = "qmark"  # "?"; "$1" (numeric) works too

# ---- the C library ------------------------------------------------------------


def _load_library():
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.path.join(here, "libzqlite.so"), os.path.join(here, "libzqlite.so.1")]
    env = os.environ.get("ZQLITE_LIBRARY")
    if env:
        candidates.insert(0, env)
    found = ctypes.util.find_library("zqlite")
    if found:
        candidates.append(found)
    errors = []
    for path in candidates:
        try:
            return ctypes.CDLL(path)
        except OSError as e:  # try the next place
            errors.append(str(e))
    raise ImportError("zqlite: cannot load libzqlite.so (" + "; ".join(errors) + ")")


_lib = _load_library()
_c_char_pp = ctypes.POINTER(ctypes.c_char_p)


class _OpenOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("key", ctypes.c_char_p),
        ("key_bytes", ctypes.c_size_t),
        ("memory_limit_bytes", ctypes.c_uint64),
    ]


def _fn(name, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_vp = ctypes.c_void_p
_open_v2 = _fn("zq_open_v2", ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(_vp), ctypes.c_int,
               ctypes.POINTER(_OpenOptions))
_close = _fn("zq_close", ctypes.c_int, _vp)
_prepare = _fn("zq_prepare_v2", ctypes.c_int, _vp, ctypes.c_char_p, ctypes.c_int,
               ctypes.POINTER(_vp), ctypes.POINTER(ctypes.c_char_p))
_step = _fn("zq_step", ctypes.c_int, _vp)
_finalize = _fn("zq_finalize", ctypes.c_int, _vp)
_bind_null = _fn("zq_bind_null", ctypes.c_int, _vp, ctypes.c_int)
_bind_int64 = _fn("zq_bind_int64", ctypes.c_int, _vp, ctypes.c_int, ctypes.c_int64)
_bind_double = _fn("zq_bind_double", ctypes.c_int, _vp, ctypes.c_int, ctypes.c_double)
_bind_bool = _fn("zq_bind_bool", ctypes.c_int, _vp, ctypes.c_int, ctypes.c_int)
_bind_text = _fn("zq_bind_text", ctypes.c_int, _vp, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, _vp)
_bind_blob = _fn("zq_bind_blob", ctypes.c_int, _vp, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, _vp)
_bind_numeric = _fn("zq_bind_numeric", ctypes.c_int, _vp, ctypes.c_int, ctypes.c_char_p)
_bind_count = _fn("zq_bind_parameter_count", ctypes.c_int, _vp)
_column_count = _fn("zq_column_count", ctypes.c_int, _vp)
_column_name = _fn("zq_column_name", ctypes.c_char_p, _vp, ctypes.c_int)
_column_decltype = _fn("zq_column_decltype", ctypes.c_char_p, _vp, ctypes.c_int)
_column_type = _fn("zq_column_type", ctypes.c_int, _vp, ctypes.c_int)
_column_zqtype = _fn("zq_column_zqtype", ctypes.c_int, _vp, ctypes.c_int)
_column_int64 = _fn("zq_column_int64", ctypes.c_int64, _vp, ctypes.c_int)
_column_double = _fn("zq_column_double", ctypes.c_double, _vp, ctypes.c_int)
_column_text = _fn("zq_column_text", ctypes.c_void_p, _vp, ctypes.c_int)
_column_blob = _fn("zq_column_blob", ctypes.c_void_p, _vp, ctypes.c_int)
_column_bytes = _fn("zq_column_bytes", ctypes.c_int, _vp, ctypes.c_int)
_changes = _fn("zq_changes", ctypes.c_int64, _vp)
_errmsg = _fn("zq_errmsg", ctypes.c_char_p, _vp)
_sqlstate = _fn("zq_sqlstate", ctypes.c_char_p, _vp)
_extended = _fn("zq_extended_errcode", ctypes.c_int, _vp)
_in_txn = _fn("zq_in_transaction", ctypes.c_int, _vp)
_libversion = _fn("zq_libversion", ctypes.c_char_p)

sqlite_version = _libversion().decode()  # the library version (name kept from sqlite3)
version = "0.1.0"

_OK, _ROW, _DONE, _MISUSE = 0, 100, 101, 21
_INTEGER, _FLOAT, _TEXT, _BLOB, _NULL, _NUMERIC, _BOOLEAN = 1, 2, 3, 4, 5, 6, 7
_OPEN_READONLY, _OPEN_READWRITE, _OPEN_CREATE, _OPEN_MEMORY = 0x01, 0x02, 0x04, 0x80

# ---- exceptions (PEP 249) ------------------------------------------------------


class Warning(Exception):  # noqa: A001 - the name PEP 249 requires
    pass


class Error(Exception):
    """Base of all zqlite errors; `sqlstate` and `code` say what failed."""

    def __init__(self, message, sqlstate=None, code=None):
        super().__init__(message)
        self.sqlstate = sqlstate
        self.code = code


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


def _error_class(sqlstate):
    """Maps a SQLSTATE class to the PEP 249 exception."""
    if sqlstate is None:
        return DatabaseError
    klass = sqlstate[:2]
    if sqlstate == "0A000":
        return NotSupportedError
    if klass == "23":
        return IntegrityError
    if klass in ("22", "21"):
        return DataError
    if klass in ("42", "26", "34", "3F", "25"):
        return ProgrammingError
    if klass in ("XX",):
        return InternalError
    if klass in ("08", "40", "53", "54", "55", "57", "58", "28", "HV"):
        return OperationalError
    return DatabaseError


def _raise(db, rc):
    sqlstate = _sqlstate(db).decode()
    message = _errmsg(db).decode("utf-8", "replace")
    if rc == _MISUSE:
        raise InterfaceError(message, sqlstate, rc)
    raise _error_class(sqlstate)(message, sqlstate, _extended(db))


# ---- type objects (PEP 249) ------------------------------------------------------


class _TypeSet(frozenset):
    def __eq__(self, other):
        return other in self if isinstance(other, str) else frozenset.__eq__(self, other)

    def __hash__(self):
        return frozenset.__hash__(self)


STRING = _TypeSet({"text"})
BINARY = _TypeSet({"bytea"})
NUMBER = _TypeSet({"smallint", "integer", "bigint", "real", "double precision", "numeric"})
ROWID = _TypeSet()
DATETIME = _TypeSet({"date", "timestamp", "timestamp without time zone",
                     "timestamp with time zone"})


def Binary(data):  # noqa: N802 - PEP 249 name
    return bytes(data)


# PEP 249 constructors. DATE and TIMESTAMP columns read back as
# datetime.date and datetime.datetime (TIMESTAMPTZ: aware, in UTC). There is
# no TIME type yet: a datetime.time value cannot be bound.
Date = datetime.date
Time = datetime.time
Timestamp = datetime.datetime


def DateFromTicks(ticks):  # noqa: N802 - PEP 249 name
    return Date(*time.localtime(ticks)[:3])


def TimeFromTicks(ticks):  # noqa: N802 - PEP 249 name
    return Time(*time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks):  # noqa: N802 - PEP 249 name
    return Timestamp(*time.localtime(ticks)[:6])


_ZQ_TYPE_DATE, _ZQ_TYPE_TIMESTAMP, _ZQ_TYPE_TIMESTAMPTZ = 10, 11, 12
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
_EPOCH = datetime.datetime(1970, 1, 1)
_EPOCH_UTC = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


# ---- connections and cursors ----------------------------------------------------

_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


def _bind(stmt, db, index, value):
    if value is None:
        rc = _bind_null(stmt, index)
    elif isinstance(value, bool):
        rc = _bind_bool(stmt, index, 1 if value else 0)
    elif isinstance(value, int):
        if _INT64_MIN <= value <= _INT64_MAX:
            rc = _bind_int64(stmt, index, value)
        else:
            rc = _bind_numeric(stmt, index, str(value).encode())
    elif isinstance(value, float):
        rc = _bind_double(stmt, index, value)
    elif isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise DataError("NUMERIC cannot hold %s" % value, "22003")
        rc = _bind_numeric(stmt, index, format(value, "f").encode())
    elif isinstance(value, str):
        data = value.encode("utf-8")
        rc = _bind_text(stmt, index, data, len(data), None)
    elif isinstance(value, (datetime.datetime, datetime.date)):
        # ISO text, typed by its context as a string literal is ('...' into a
        # DATE or TIMESTAMP column); an aware datetime carries its offset.
        data = (value.isoformat(sep=" ") if isinstance(value, datetime.datetime)
                else value.isoformat()).encode()
        rc = _bind_text(stmt, index, data, len(data), None)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        rc = _bind_blob(stmt, index, data, len(data), None)
    else:
        raise NotSupportedError("cannot bind a value of type %s" % type(value).__name__, "0A000")
    if rc != _OK:
        _raise(db, rc)


def _column(stmt, i, zqtype):
    """Column i of the current row; `zqtype` is the column's ZQ_TYPE_*."""
    kind = _column_type(stmt, i)
    if kind == _NULL:
        return None
    if zqtype == _ZQ_TYPE_DATE:  # days since 1970-01-01
        return datetime.date.fromordinal(_EPOCH_ORDINAL + _column_int64(stmt, i))
    if zqtype in (_ZQ_TYPE_TIMESTAMP, _ZQ_TYPE_TIMESTAMPTZ):  # microseconds since 1970
        base = _EPOCH if zqtype == _ZQ_TYPE_TIMESTAMP else _EPOCH_UTC
        return base + datetime.timedelta(microseconds=_column_int64(stmt, i))
    if kind == _INTEGER:
        return _column_int64(stmt, i)
    if kind == _FLOAT:
        return _column_double(stmt, i)
    if kind == _BOOLEAN:
        return _column_int64(stmt, i) != 0
    if kind == _BLOB:
        n = _column_bytes(stmt, i)
        return ctypes.string_at(_column_blob(stmt, i), n) if n else b""
    n = _column_bytes(stmt, i)
    text = ctypes.string_at(_column_text(stmt, i), n).decode("utf-8", "replace") if n else ""
    if kind == _NUMERIC:
        return decimal.Decimal(text)
    return text


def _description_entry(stmt, i):
    decl = (_column_decltype(stmt, i) or b"").decode()
    base = decl.split("(")[0]
    precision = scale = None
    if base == "numeric" and "(" in decl:
        precision, scale = (int(x) for x in decl[decl.index("(") + 1:-1].split(","))
    return (_column_name(stmt, i).decode(), base, None, None, precision, scale, True)


class Cursor:
    """A PEP 249 cursor. Results are read when a statement runs."""

    def __init__(self, connection):
        self.connection = connection
        self.arraysize = 1
        self.description = None
        self.rowcount = -1
        self.lastrowid = None  # ZQLite tables have no implicit row ids to report
        self._rows = []
        self._next = 0
        self._closed = False

    def _check(self):
        if self._closed:
            raise InterfaceError("cursor is closed")
        self.connection._check()

    def execute(self, operation, parameters=()):
        self._check()
        if parameters is None:
            parameters = ()
        if isinstance(parameters, dict):
            raise NotSupportedError("named parameters are not supported; use ? or $1", "0A000")
        conn = self.connection
        conn._begin_if_needed(operation)
        db = conn._db
        sql = operation.encode("utf-8")
        handle = _vp()
        tail = ctypes.c_char_p()
        rc = _prepare(db, sql, len(sql), ctypes.byref(handle), ctypes.byref(tail))
        if rc != _OK:
            _raise(db, rc)
        if not handle.value:
            self.description, self.rowcount, self._rows, self._next = None, -1, [], 0
            return self
        stmt = handle.value
        try:
            rest = sql[len(sql) - len(ctypes.string_at(tail)):] if tail.value is not None else b""
            if rest.strip(b" \t\r\n;"):
                raise ProgrammingError("execute() runs one statement; use executescript()",
                                       "42601")
            expected = _bind_count(stmt)
            if len(parameters) != expected:
                raise ProgrammingError(
                    "the statement has %d parameters, %d were given" % (expected, len(parameters)),
                    "42P18")
            for i, value in enumerate(parameters, 1):
                _bind(stmt, db, i, value)
            rows = []
            rc = _step(stmt)
            n = _column_count(stmt)
            self.description = tuple(_description_entry(stmt, i) for i in range(n)) if n else None
            zqtypes = [_column_zqtype(stmt, i) for i in range(n)]  # the same for every row
            while rc == _ROW:
                rows.append(tuple(_column(stmt, i, zqtypes[i]) for i in range(n)))
                rc = _step(stmt)
            if rc != _DONE:
                _raise(db, rc)
            self._rows, self._next = rows, 0
            self.rowcount = len(rows) if self.description is not None else _changes(db)
        finally:
            _finalize(stmt)
        return self

    def executemany(self, operation, seq_of_parameters):
        total = 0
        for parameters in seq_of_parameters:
            self.execute(operation, parameters)
            if self.rowcount > 0:
                total += self.rowcount
        self.rowcount = total
        self.description = None
        return self

    def fetchone(self):
        self._check()
        if self._next >= len(self._rows):
            return None
        row = self._rows[self._next]
        self._next += 1
        return row

    def fetchmany(self, size=None):
        self._check()
        size = self.arraysize if size is None else size
        rows = self._rows[self._next:self._next + size]
        self._next += len(rows)
        return rows

    def fetchall(self):
        self._check()
        rows = self._rows[self._next:]
        self._next = len(self._rows)
        return rows

    def close(self):
        self._closed = True
        self._rows = []

    def setinputsizes(self, sizes):
        pass

    def setoutputsize(self, size, column=None):
        pass

    def __iter__(self):
        return self

    def __next__(self):
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


_CONTROL = ("begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release")


class Connection:
    """A PEP 249 connection to one database file (or ":memory:")."""

    Warning, Error, InterfaceError, DatabaseError = Warning, Error, InterfaceError, DatabaseError
    DataError, OperationalError, IntegrityError = DataError, OperationalError, IntegrityError
    InternalError, ProgrammingError, NotSupportedError = (InternalError, ProgrammingError,
                                                          NotSupportedError)

    def __init__(self, path, key=None, autocommit=False, read_only=False, memory_limit=None,
                 create=True):
        options = _OpenOptions()
        options.struct_size = ctypes.sizeof(_OpenOptions)
        if key is not None:
            if isinstance(key, str):
                key = bytes.fromhex(key)
            if len(key) != 32:
                raise ProgrammingError("key must be 32 bytes (or 64 hex digits)", "22023")
            options.key = bytes(key)
            options.key_bytes = 32
        if memory_limit:
            options.memory_limit_bytes = int(memory_limit)
        flags = _OPEN_READONLY if read_only else _OPEN_READWRITE | (_OPEN_CREATE if create else 0)
        if path == ":memory:":
            flags = _OPEN_MEMORY
        db = _vp()
        rc = _open_v2(os.fsencode(path), ctypes.byref(db), flags, ctypes.byref(options))
        if rc != _OK:
            try:
                _raise(db.value, rc)
            finally:
                _close(db.value)
        self._db = db.value
        self.autocommit = autocommit

    def _check(self):
        if self._db is None:
            raise ProgrammingError("connection is closed")

    @property
    def ledger(self):
        """The database's double-entry ledger (zqlite.ledger.Ledger)."""
        self._check()
        from .ledger import Ledger  # here: the submodule imports this one
        return Ledger(self)

    def _begin_if_needed(self, operation):
        if self.autocommit or _in_txn(self._db):
            return
        words = operation.lstrip().split(None, 1)
        if words and words[0].lower().rstrip(";") in _CONTROL:
            return  # the caller manages the transaction itself
        rc, stmt = self._run_simple(b"BEGIN")
        if rc != _OK:
            _raise(self._db, rc)

    def _run_simple(self, sql):
        handle = _vp()
        rc = _prepare(self._db, sql, len(sql), ctypes.byref(handle), None)
        if rc != _OK:
            return rc, None
        rc = _step(handle.value)
        _finalize(handle.value)
        return (_OK if rc == _DONE else rc), None

    @property
    def in_transaction(self):
        self._check()
        return bool(_in_txn(self._db))

    def cursor(self):
        self._check()
        return Cursor(self)

    def execute(self, operation, parameters=()):
        return self.cursor().execute(operation, parameters)

    def executemany(self, operation, seq_of_parameters):
        return self.cursor().executemany(operation, seq_of_parameters)

    def executescript(self, script):
        """Runs every statement of `script` (in autocommit when none is open)."""
        self._check()
        data = script.encode("utf-8")
        while data.strip():
            handle = _vp()
            tail = ctypes.c_char_p()
            rc = _prepare(self._db, data, len(data), ctypes.byref(handle), ctypes.byref(tail))
            if rc != _OK:
                _raise(self._db, rc)
            if not handle.value:
                break
            rc = _step(handle.value)
            while rc == _ROW:
                rc = _step(handle.value)
            _finalize(handle.value)
            if rc != _DONE:
                _raise(self._db, rc)
            rest = ctypes.string_at(tail) if tail.value is not None else b""
            data = rest

    def commit(self):
        self._check()
        if _in_txn(self._db):
            rc, _ = self._run_simple(b"COMMIT")
            if rc != _OK:
                _raise(self._db, rc)

    def rollback(self):
        self._check()
        if _in_txn(self._db):
            rc, _ = self._run_simple(b"ROLLBACK")
            if rc != _OK:
                _raise(self._db, rc)

    def close(self):
        if self._db is None:
            return
        if _in_txn(self._db):
            self._run_simple(b"ROLLBACK")  # PEP 249: closing without commit rolls back
        rc = _close(self._db)
        self._db = None
        if rc != _OK:
            raise OperationalError("close failed (code %d)" % rc)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._db is None:
            return False
        if exc_type is None:
            self.commit()
        else:
            self.rollback()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - nothing to report to at interpreter exit
            pass


def connect(path=":memory:", key=None, autocommit=False, read_only=False, memory_limit=None,
            create=True, isolation_level=None):
    """Opens a database. `key`: 32 bytes (or 64 hex digits) to encrypt it;
    `isolation_level` is accepted for familiarity: ZQLite transactions are
    snapshot-isolated with first-committer-wins writes."""
    del isolation_level
    return Connection(path, key=key, autocommit=autocommit, read_only=read_only,
                      memory_limit=memory_limit, create=create)
