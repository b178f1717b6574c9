"""Tests of the ledger API of the zqlite module (zqlite.ledger).

Plain functions with asserts: pytest runs them, and so does run_tests.py.
"""
import os
import struct
import tempfile

import zqlite
from zqlite.ledger import ACCOUNT_FLAGS, TRANSFER_FLAGS


def _raises(exc_type, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc_type as e:
        return e
    raise AssertionError("%s not raised" % exc_type.__name__)


def _accounts(led, ids, **extra):
    return led.create_accounts([dict({"id": i, "ledger": 700, "code": 10}, **extra) for i in ids])


def test_create_and_lookup_with_dicts():
    led = zqlite.connect(":memory:").ledger
    results = _accounts(led, [1, 2]) + led.create_accounts([{"id": 0, "ledger": 700, "code": 1}])
    assert [r["status"] for r in results] == ["created", "created", "id_must_not_be_zero"]
    assert results[0]["timestamp"] < results[1]["timestamp"]
    big = (1 << 128) - 2  # u128 ids above 64 bits round-trip
    assert _accounts(led, [big], flags=["history"])[0]["status"] == "created"
    out = led.create_transfers([
        {"id": 10, "debit_account_id": 1, "credit_account_id": 2, "amount": 500, "ledger": 700,
         "code": 1},
        {"id": 11, "debit_account_id": 2, "credit_account_id": big, "amount": "1000",
         "ledger": 700, "code": 1, "user_data_128": 1 << 100},
        {"id": 12, "debit_account_id": 1, "credit_account_id": 1, "amount": 1, "ledger": 700,
         "code": 1},
        {"id": 10, "debit_account_id": 1, "credit_account_id": 2, "amount": 500, "ledger": 700,
         "code": 1},
    ])
    assert [r["status"] for r in out] == ["created", "created", "accounts_must_be_different",
                                         "exists"]
    assert [r["index"] for r in out] == [0, 1, 2, 3]
    a2, a1 = led.lookup_accounts([2, 99, 1])
    assert (a2["id"], a2["credits_posted"], a2["debits_posted"]) == (2, 500, 1000)
    assert a1["debits_posted"] == 500 and a1["ledger"] == 700 and a1["code"] == 10
    (t,) = led.lookup_transfers([11])
    assert t["credit_account_id"] == big and t["user_data_128"] == 1 << 100
    assert t["amount"] == 1000 and t["timestamp"] > 0
    (acct,) = led.lookup_accounts([big])
    assert acct["flags"] == ACCOUNT_FLAGS["history"]
    (balance,) = led.get_account_balances(big)
    assert balance["credits_posted"] == 1000


def test_filtered_reads_and_two_phase():
    led = zqlite.connect(":memory:").ledger
    _accounts(led, [1, 2])
    led.create_transfers([{"id": 100 + i, "debit_account_id": 1 + i % 2,
                           "credit_account_id": 2 - i % 2, "amount": 1 + i, "ledger": 700,
                           "code": 1 + i % 3} for i in range(10)])
    newest = led.get_account_transfers(1, reversed=True, limit=3)
    assert [t["id"] for t in newest] == [109, 108, 107]
    debits = led.get_account_transfers(1, credits=False)
    assert {t["debit_account_id"] for t in debits} == {1} and len(debits) == 5
    assert [t["id"] for t in led.query_transfers(code=2)] == [101, 104, 107]
    assert len(led.query_accounts(ledger=700)) == 2
    assert led.query_accounts(ledger=701) == []
    pending = led.create_transfers([{"id": 200, "debit_account_id": 1, "credit_account_id": 2,
                                     "amount": 40, "ledger": 700, "code": 1,
                                     "flags": ["pending"]}])
    assert pending[0]["status"] == "created"
    assert led.lookup_accounts([1])[0]["debits_pending"] == 40
    post = led.create_transfers([{"id": 201, "pending_id": 200, "amount": 30,
                                  "flags": TRANSFER_FLAGS["post_pending_transfer"]}])
    assert post[0]["status"] == "created"
    a1 = led.lookup_accounts([1])[0]
    assert (a1["debits_pending"], a1["debits_posted"]) == (0, 25 + 30)
    assert led.expire_pending() == 0


def test_packed_fast_path_matches_dicts():
    led = zqlite.connect(":memory:").ledger
    _accounts(led, [1, 2])
    records = b"".join(
        struct.pack("<QQQQQQQQQQQQQIIIHHQ", 300 + i, 0, 1, 0, 2, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0,
                    700, 1, 0, 0)
        for i in range(3))
    assert len(records) == 3 * 128
    raw = led.create_transfers_packed(records)
    assert len(raw) == 3 * 16
    statuses = [struct.unpack_from("<QII", raw, 16 * i)[1] for i in range(3)]
    assert statuses == [0xFFFFFFFF] * 3
    assert led.lookup_accounts([2])[0]["credits_posted"] == 15
    again = led.create_transfers_packed(memoryview(records)[:128])
    assert struct.unpack_from("<QII", again)[1] != 0xFFFFFFFF  # exists
    _raises(zqlite.ProgrammingError, led.create_transfers_packed, b"x" * 100)


def test_state_and_hash_survive_reopen_beside_sql_tables():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bank.zq")
        con = zqlite.connect(path, autocommit=True)
        con.execute("CREATE TABLE customers (id bigint PRIMARY KEY, name text)")
        con.execute("INSERT INTO customers VALUES (1, 'ada')")
        _accounts(con.ledger, [1, 2])
        con.ledger.create_transfers([{"id": 1, "debit_account_id": 1, "credit_account_id": 2,
                                      "amount": 9, "ledger": 700, "code": 1}])
        before = con.ledger.hash()
        assert len(before) == 32
        con.close()
        con = zqlite.connect(path)
        assert con.ledger.hash() == before
        assert con.execute("SELECT name FROM customers").fetchall() == [("ada",)]
        assert con.ledger.lookup_transfers([1])[0]["amount"] == 9
        con.close()
        ro = zqlite.connect(path, read_only=True)
        assert ro.ledger.lookup_accounts([2])[0]["credits_posted"] == 9
        _raises(zqlite.Error, ro.ledger.create_accounts, [{"id": 3, "ledger": 1, "code": 1}])
        ro.close()


def test_bad_input_raises_clear_errors():
    con = zqlite.connect(":memory:")
    led = con.ledger
    _raises(zqlite.ProgrammingError, led.create_accounts, [{"id": -1, "ledger": 1, "code": 1}])
    _raises(zqlite.ProgrammingError, led.create_accounts, [{"id": 1 << 128, "ledger": 1,
                                                            "code": 1}])
    _raises(zqlite.ProgrammingError, led.create_accounts, [{"id": 1, "ledgr": 1}])
    _raises(zqlite.ProgrammingError, led.create_accounts, [{"id": 1, "flags": ["bogus"]}])
    _raises(zqlite.ProgrammingError, led.create_accounts, [{"id": "12x"}])
    _raises(zqlite.ProgrammingError, led.create_accounts, ["not a dict"])
    _raises(zqlite.ProgrammingError, led.lookup_accounts, [1.5])
    assert led.create_accounts([]) == []
    con.close()
    _raises(zqlite.ProgrammingError, lambda: con.ledger)
