#!/usr/bin/env python3
"""History and report queries of BulkInvite.Sqlite on a large database: 1,000 imports, 10 million entries.

Builds the store's schema (read from src/BulkInvite.Sqlite/History/SqliteSql.cs), fills it, and times the exact
statements the store runs (also from SqliteSql.cs), printing each query plan and its median time.
Usage: python3 benchmarks/sqlite-query-figures.py [DATABASE]   (about 2 GB; built once, reused)
"""
import os, random, re, sqlite3, statistics, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SQL = open(os.path.join(ROOT, "src/BulkInvite.Sqlite/History/SqliteSql.cs"), encoding="utf-8").read()

def constant(name):
    # const string Name = """ ... """; possibly "SELECT " + ImportColumns + """ ... """
    m = re.search(r'(?:public|private|internal) const string ' + name + r' = (.*?(?:"""|"));\n', SQL, re.S)
    expr = m.group(1)
    parts = re.findall(r'"""\n(.*?)"""|"([^"]*)"|(\w+)', expr, re.S)
    text = ""
    for block, literal, ident in parts:
        if block or literal:
            text += block or literal
        elif ident:
            text += constant(ident)
    return text

IMPORTS, ENTRIES_PER_IMPORT = 1000, 10_000
path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/bulkinvite-figures.db"
SCHEMA_VERSION = int(re.search(r'SchemaVersion = (\d+);', SQL).group(1))
if os.path.exists(path):
    old = sqlite3.connect(path)
    stale = old.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION
    old.close()
    if stale:  # built by an earlier schema: its tables do not fit the statements
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
fresh = not os.path.exists(path)
db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = NORMAL")
if fresh:
    db.executescript(constant("CreateSchema"))
    rnd = random.Random(42)
    t0 = 621355968000000000 + 10**7 * 1_700_000_000
    imports = []
    for i in range(IMPORTS):
        iid = "%08x-0000-4000-8000-%012x" % (i, i)
        tenant = "tenant-%d" % (i % 10)
        imports.append((iid, tenant))
        db.execute(constant("InsertImport"), {
            "import_id": iid, "tenant_id": tenant, "file_name": "f%d.txt" % i, "initiated_by": "admin", "is_preview": 0,
            "status": 1, "created_at": t0 + i * 10**9, "created_offset": 0, "completed_at": None, "completed_offset": None,
            "parser_name": "text", "error": None, "pending_count": 0, "invited_count": 0, "invalid_count": 0,
            "duplicate_count": 0, "existing_user_count": 0, "already_invited_count": 0, "failed_count": 0,
            "skipped_count": 0, "sender_name": None, "resend": 0, "content_hash": "%064x" % i, "updated_at": None,
            "updated_offset": None})
    insert = constant("InsertEntry")
    for number, _ in enumerate(imports, 1):  # each import's import_no, its row id in the order inserted
        rows = ({"import_no": number, "sequence": s, "line": s, "address": "user%d@example.com" % s,
                 "address_key": "USER%d@EXAMPLE.COM" % s, "outcome": 6 if rnd.random() < 0.01 else 1, "reason": None,
                 "detail": None, "duplicate_of_line": None, "status_code": None, "display_name": None, "fields": None,
                 "updated_at": t0, "updated_offset": 0} for s in range(1, ENTRIES_PER_IMPORT + 1))
        db.executemany(insert, rows)
        db.commit()
    db.execute("ANALYZE")
    db.commit()

tenant, iid = "tenant-3", "%08x-0000-4000-8000-%012x" % (503, 503)
cases = [
    ("history page 1 (50 newest of a tenant's 100)", "ListImports", {"tenant_id": tenant, "from": -2**63, "to": 2**63 - 1, "limit": 50, "offset": 0}),
    ("history page 2", "ListImports", {"tenant_id": tenant, "from": -2**63, "to": 2**63 - 1, "limit": 50, "offset": 50}),
    ("history count", "CountImports", {"tenant_id": tenant, "from": -2**63, "to": 2**63 - 1}),
    ("report page (100 entries after #5,000)", "ListEntries", {"import_id": iid, "tenant_id": tenant, "after": 5000, "last": 2**63 - 1, "limit": 101}),
    ("report page of Failed entries", "ListEntriesWithOutcome", {"import_id": iid, "tenant_id": tenant, "outcome": 6, "after": 0, "last": 2**63 - 1, "limit": 101}),
    ("count of Failed entries", "CountEntriesWithOutcome", {"import_id": iid, "tenant_id": tenant, "outcome": 6}),
    ("count of all entries of an import", "CountEntries", {"import_id": iid, "tenant_id": tenant}),
    ("repeat-upload lookup", "ListImportsWithContentHash", {"tenant_id": tenant, "content_hash": "%064x" % 503, "from": -2**63, "to": 2**63 - 1, "previews": 0, "limit": 2, "offset": 0}),
]
total = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
print(f"SQLite {sqlite3.sqlite_version}; {db.execute('SELECT COUNT(*) FROM imports').fetchone()[0]:,} imports, {total:,} entries")
print("| query | median | plan |\n|---|---:|---|")
for label, name, params in cases:
    sql = constant(name)
    plan = " / ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, params))
    times = []
    for _ in range(21):
        start = time.perf_counter()
        db.execute(sql, params).fetchall()
        times.append(time.perf_counter() - start)
    print(f"| {label} | {statistics.median(times) * 1000:.3f} ms | `{plan}` |")
