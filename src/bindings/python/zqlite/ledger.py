"""The ledger of a zqlite database: TigerBeetle's double-entry accounts and transfers.

    import zqlite
    db = zqlite.connect("bank.zq")
    led = db.ledger
    led.create_accounts([{"id": 1, "ledger": 700, "code": 10},
                         {"id": 2, "ledger": 700, "code": 10}])
    led.create_transfers([{"id": 1, "debit_account_id": 1, "credit_account_id": 2,
                           "amount": 500, "ledger": 700, "code": 1}])
    print(led.lookup_accounts([1, 2]))

Records are dicts with the spec's field names (docs/ledger.md); omitted fields
are zero; 128-bit values are Python ints; `flags` is an int or a list of flag
names. Each create call is one batch: atomic per linked chain, durable on
return, and not part of a SQL transaction. `create_*_packed` take the raw
128-byte records (bytes, bytearray or memoryview) and return the raw 16-byte
results, for callers that build batches in bulk.
"""

import ctypes

from . import _OK, ProgrammingError, _fn, _raise, _vp

__all__ = ["Ledger", "ACCOUNT_FLAGS", "TRANSFER_FLAGS", "BATCH_DEFAULT", "BATCH_MAX",
           "RESULTS_MAX"]

BATCH_DEFAULT = 8189
BATCH_MAX = 131072
RESULTS_MAX = 8189

ACCOUNT_FLAGS = {
    "linked": 1 << 0, "debits_must_not_exceed_credits": 1 << 1,
    "credits_must_not_exceed_debits": 1 << 2, "history": 1 << 3, "imported": 1 << 4,
    "closed": 1 << 5,
}
TRANSFER_FLAGS = {
    "linked": 1 << 0, "pending": 1 << 1, "post_pending_transfer": 1 << 2,
    "void_pending_transfer": 1 << 3, "balancing_debit": 1 << 4, "balancing_credit": 1 << 5,
    "closing_debit": 1 << 6, "closing_credit": 1 << 7, "imported": 1 << 8,
}
_U64_MAX = (1 << 64) - 1
_U128 = ctypes.c_uint64 * 2  # little-endian halves: [lo, hi]

# (name, ctypes type or "u128") in record order: the C structs of zqlite_ledger.h.
_ACCOUNT_FIELDS = [
    ("id", "u128"), ("debits_pending", "u128"), ("debits_posted", "u128"),
    ("credits_pending", "u128"), ("credits_posted", "u128"), ("user_data_128", "u128"),
    ("user_data_64", ctypes.c_uint64), ("user_data_32", ctypes.c_uint32),
    ("reserved", ctypes.c_uint32), ("ledger", ctypes.c_uint32), ("code", ctypes.c_uint16),
    ("flags", ctypes.c_uint16), ("timestamp", ctypes.c_uint64),
]
_TRANSFER_FIELDS = [
    ("id", "u128"), ("debit_account_id", "u128"), ("credit_account_id", "u128"),
    ("amount", "u128"), ("pending_id", "u128"), ("user_data_128", "u128"),
    ("user_data_64", ctypes.c_uint64), ("user_data_32", ctypes.c_uint32),
    ("timeout", ctypes.c_uint32), ("ledger", ctypes.c_uint32), ("code", ctypes.c_uint16),
    ("flags", ctypes.c_uint16), ("timestamp", ctypes.c_uint64),
]
_BALANCE_FIELDS = [
    ("debits_pending", "u128"), ("debits_posted", "u128"), ("credits_pending", "u128"),
    ("credits_posted", "u128"), ("timestamp", ctypes.c_uint64),
    ("reserved", ctypes.c_uint8 * 56),
]


def _struct(name, fields):
    return type(name, (ctypes.Structure,),
                {"_fields_": [(f, _U128 if t == "u128" else t) for f, t in fields]})


_Account = _struct("_Account", _ACCOUNT_FIELDS)
_Transfer = _struct("_Transfer", _TRANSFER_FIELDS)
_AccountBalance = _struct("_AccountBalance", _BALANCE_FIELDS)


class _AccountFilter(ctypes.Structure):
    _fields_ = [("account_id", _U128), ("user_data_128", _U128), ("user_data_64", ctypes.c_uint64),
                ("user_data_32", ctypes.c_uint32), ("code", ctypes.c_uint16),
                ("reserved", ctypes.c_uint8 * 58), ("timestamp_min", ctypes.c_uint64),
                ("timestamp_max", ctypes.c_uint64), ("limit", ctypes.c_uint32),
                ("flags", ctypes.c_uint32)]


class _QueryFilter(ctypes.Structure):
    _fields_ = [("user_data_128", _U128), ("user_data_64", ctypes.c_uint64),
                ("user_data_32", ctypes.c_uint32), ("ledger", ctypes.c_uint32),
                ("code", ctypes.c_uint16), ("reserved", ctypes.c_uint8 * 6),
                ("timestamp_min", ctypes.c_uint64), ("timestamp_max", ctypes.c_uint64),
                ("limit", ctypes.c_uint32), ("flags", ctypes.c_uint32)]


class _CreateResult(ctypes.Structure):
    _fields_ = [("timestamp", ctypes.c_uint64), ("status", ctypes.c_uint32),
                ("reserved", ctypes.c_uint32)]


for _t, _size in ((_Account, 128), (_Transfer, 128), (_AccountBalance, 128),
                  (_AccountFilter, 128), (_QueryFilter, 64), (_CreateResult, 16)):
    assert ctypes.sizeof(_t) == _size, _t

_P = ctypes.POINTER
_size_t = ctypes.c_size_t
_create_accounts = _fn("zq_ledger_create_accounts", ctypes.c_int, _vp, _vp, _size_t, _vp)
_create_transfers = _fn("zq_ledger_create_transfers", ctypes.c_int, _vp, _vp, _size_t, _vp)
_lookup_accounts = _fn("zq_ledger_lookup_accounts", ctypes.c_int, _vp, _vp, _size_t, _vp,
                       _P(_size_t))
_lookup_transfers = _fn("zq_ledger_lookup_transfers", ctypes.c_int, _vp, _vp, _size_t, _vp,
                        _P(_size_t))
_get_account_transfers = _fn("zq_ledger_get_account_transfers", ctypes.c_int, _vp, _vp, _vp,
                             _size_t, _P(_size_t))
_get_account_balances = _fn("zq_ledger_get_account_balances", ctypes.c_int, _vp, _vp, _vp,
                            _size_t, _P(_size_t))
_query_accounts = _fn("zq_ledger_query_accounts", ctypes.c_int, _vp, _vp, _vp, _size_t,
                      _P(_size_t))
_query_transfers = _fn("zq_ledger_query_transfers", ctypes.c_int, _vp, _vp, _vp, _size_t,
                       _P(_size_t))
_expire_pending = _fn("zq_ledger_expire_pending", ctypes.c_int, _vp, _P(_size_t))
_hash = _fn("zq_ledger_hash", ctypes.c_int, _vp, ctypes.c_char_p)
_account_result_name = _fn("zq_ledger_account_result_name", ctypes.c_char_p, ctypes.c_uint32)
_transfer_result_name = _fn("zq_ledger_transfer_result_name", ctypes.c_char_p, ctypes.c_uint32)


def _int(name, value, bits):
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            raise ProgrammingError("%s: %r is not an unsigned integer" % (name, value), "22P02")
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProgrammingError("%s: expected an integer, got %r" % (name, value), "22P02")
    if value < 0 or value >> bits:
        raise ProgrammingError("%s: %d does not fit %d unsigned bits" % (name, value, bits),
                               "22003")
    return value


def _halves(value):
    """A u128 as the [lo, hi] 64-bit halves of the C records."""
    return [value & _U64_MAX, value >> 64]


def _flags(value, names):
    if isinstance(value, (list, tuple, set, frozenset)):
        bits = 0
        for name in value:
            if name not in names:
                raise ProgrammingError("unknown flag %r (known: %s)" % (name, ", ".join(names)),
                                       "22023")
            bits |= names[name]
        return bits
    return _int("flags", value, 16)


def _pack(record_type, fields, flag_names, event):
    if not isinstance(event, dict):
        raise ProgrammingError("events are dicts of field values, got %r" % (event,), "22023")
    known = {f for f, _ in fields}
    unknown = set(event) - known
    if unknown:
        raise ProgrammingError("unknown field(s): %s" % ", ".join(sorted(unknown)), "42703")
    record = record_type()
    for name, kind in fields:
        if name not in event:
            continue
        value = event[name]
        if name == "flags":
            setattr(record, name, _flags(value, flag_names))
        elif kind == "u128":
            v = _int(name, value, 128)
            getattr(record, name)[:] = _halves(v)
        else:
            setattr(record, name, _int(name, value, 8 * ctypes.sizeof(kind)))
    return record


def _unpack(record, fields):
    out = {}
    for name, kind in fields:
        if kind != "u128" and issubclass(kind, ctypes.Array):
            continue  # padding, always zero
        value = getattr(record, name)
        if kind == "u128":
            value = value[0] | (value[1] << 64)
        out[name] = value
    return out


class Ledger:
    """The ledger of one connection (`connection.ledger`)."""

    def __init__(self, connection):
        self._connection = connection

    def _db(self):
        self._connection._check()
        return self._connection._db

    def _call(self, fn, *args):
        db = self._db()
        rc = fn(db, *args)
        if rc != _OK:
            _raise(db, rc)

    # ---- batches -------------------------------------------------------------

    def _create(self, fn, record_type, fields, flag_names, name_fn, events):
        events = list(events)
        if len(events) > BATCH_MAX:
            raise ProgrammingError("a batch holds at most %d events" % BATCH_MAX, "54000")
        array = (record_type * len(events))(
            *[_pack(record_type, fields, flag_names, e) for e in events])
        results = (_CreateResult * len(events))()
        self._call(fn, ctypes.cast(array, _vp), len(events), ctypes.cast(results, _vp))
        return [{"index": i, "status": (name_fn(r.status) or b"unknown").decode(),
                 "timestamp": r.timestamp} for i, r in enumerate(results)]

    def create_accounts(self, events):
        """Creates accounts (one batch); one result dict per event, in order."""
        return self._create(_create_accounts, _Account, _ACCOUNT_FIELDS, ACCOUNT_FLAGS,
                            _account_result_name, events)

    def create_transfers(self, events):
        """Creates transfers (one batch); one result dict per event, in order."""
        return self._create(_create_transfers, _Transfer, _TRANSFER_FIELDS, TRANSFER_FLAGS,
                            _transfer_result_name, events)

    def _create_packed(self, fn, data):
        view = memoryview(data).cast("B")
        if len(view) % 128:
            raise ProgrammingError("packed events are 128-byte records", "22023")
        count = len(view) // 128
        source = (ctypes.c_char * len(view)).from_buffer_copy(view)
        results = ctypes.create_string_buffer(16 * count)
        self._call(fn, ctypes.cast(source, _vp), count, ctypes.cast(results, _vp))
        return results.raw

    def create_accounts_packed(self, data):
        """Raw 128-byte account records in; raw 16-byte results out."""
        return self._create_packed(_create_accounts, data)

    def create_transfers_packed(self, data):
        """Raw 128-byte transfer records in; raw 16-byte results out."""
        return self._create_packed(_create_transfers, data)

    # ---- reads ---------------------------------------------------------------

    def _lookup(self, fn, record_type, fields, ids):
        ids = [_int("id", i, 128) for i in ids]
        keys = (_U128 * len(ids))(*[_U128(*_halves(i)) for i in ids])
        out = (record_type * len(ids))()
        found = _size_t()
        self._call(fn, ctypes.cast(keys, _vp), len(ids), ctypes.cast(out, _vp),
                   ctypes.byref(found))
        return [_unpack(out[i], fields) for i in range(found.value)]

    def lookup_accounts(self, ids):
        """The accounts with these ids that exist, in request order."""
        return self._lookup(_lookup_accounts, _Account, _ACCOUNT_FIELDS, ids)

    def lookup_transfers(self, ids):
        """The transfers with these ids that exist, in request order."""
        return self._lookup(_lookup_transfers, _Transfer, _TRANSFER_FIELDS, ids)

    def _read(self, fn, filt, record_type, fields):
        capacity = min(filt.limit, RESULTS_MAX)
        out = (record_type * max(capacity, 1))()
        count = _size_t()
        self._call(fn, ctypes.byref(filt), ctypes.cast(out, _vp), capacity, ctypes.byref(count))
        return [_unpack(out[i], fields) for i in range(count.value)]

    @staticmethod
    def _account_filter(account_id, debits, credits, reversed, limit, timestamp_min,
                        timestamp_max, user_data_128, user_data_64, user_data_32, code):
        f = _AccountFilter()
        f.account_id[:] = _halves(_int("account_id", account_id, 128))
        f.user_data_128[:] = _halves(_int("user_data_128", user_data_128, 128))
        f.user_data_64 = _int("user_data_64", user_data_64, 64)
        f.user_data_32 = _int("user_data_32", user_data_32, 32)
        f.code = _int("code", code, 16)
        f.timestamp_min = _int("timestamp_min", timestamp_min, 64)
        f.timestamp_max = _int("timestamp_max", timestamp_max, 64)
        f.limit = _int("limit", limit, 32)
        f.flags = (1 if debits else 0) | (2 if credits else 0) | (4 if reversed else 0)
        return f

    def get_account_transfers(self, account_id, debits=True, credits=True, reversed=False,
                              limit=RESULTS_MAX, timestamp_min=0, timestamp_max=0,
                              user_data_128=0, user_data_64=0, user_data_32=0, code=0):
        """Transfers of one account, oldest first (newest first when reversed)."""
        f = self._account_filter(account_id, debits, credits, reversed, limit, timestamp_min,
                                 timestamp_max, user_data_128, user_data_64, user_data_32, code)
        return self._read(_get_account_transfers, f, _Transfer, _TRANSFER_FIELDS)

    def get_account_balances(self, account_id, debits=True, credits=True, reversed=False,
                             limit=RESULTS_MAX, timestamp_min=0, timestamp_max=0,
                             user_data_128=0, user_data_64=0, user_data_32=0, code=0):
        """Balances after each transfer of an account with the `history` flag."""
        f = self._account_filter(account_id, debits, credits, reversed, limit, timestamp_min,
                                 timestamp_max, user_data_128, user_data_64, user_data_32, code)
        return self._read(_get_account_balances, f, _AccountBalance, _BALANCE_FIELDS)

    @staticmethod
    def _query_filter(ledger, code, user_data_128, user_data_64, user_data_32, reversed, limit,
                      timestamp_min, timestamp_max):
        f = _QueryFilter()
        f.user_data_128[:] = _halves(_int("user_data_128", user_data_128, 128))
        f.user_data_64 = _int("user_data_64", user_data_64, 64)
        f.user_data_32 = _int("user_data_32", user_data_32, 32)
        f.ledger = _int("ledger", ledger, 32)
        f.code = _int("code", code, 16)
        f.timestamp_min = _int("timestamp_min", timestamp_min, 64)
        f.timestamp_max = _int("timestamp_max", timestamp_max, 64)
        f.limit = _int("limit", limit, 32)
        f.flags = 1 if reversed else 0
        return f

    def query_accounts(self, ledger=0, code=0, user_data_128=0, user_data_64=0, user_data_32=0,
                       reversed=False, limit=RESULTS_MAX, timestamp_min=0, timestamp_max=0):
        """Accounts matching every non-zero field, in timestamp order."""
        f = self._query_filter(ledger, code, user_data_128, user_data_64, user_data_32, reversed,
                               limit, timestamp_min, timestamp_max)
        return self._read(_query_accounts, f, _Account, _ACCOUNT_FIELDS)

    def query_transfers(self, ledger=0, code=0, user_data_128=0, user_data_64=0, user_data_32=0,
                        reversed=False, limit=RESULTS_MAX, timestamp_min=0, timestamp_max=0):
        """Transfers matching every non-zero field, in timestamp order."""
        f = self._query_filter(ledger, code, user_data_128, user_data_64, user_data_32, reversed,
                               limit, timestamp_min, timestamp_max)
        return self._read(_query_transfers, f, _Transfer, _TRANSFER_FIELDS)

    # ---- maintenance -----------------------------------------------------------

    def expire_pending(self):
        """Expires pending transfers whose timeout has passed; returns how many."""
        n = _size_t()
        self._call(_expire_pending, ctypes.byref(n))
        return n.value

    def hash(self):
        """32 hex digits over the whole ledger state (equal states, equal hashes)."""
        out = ctypes.create_string_buffer(33)
        self._call(_hash, out)
        return out.value.decode()

