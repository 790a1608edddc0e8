"""Make the access log immutable in the database itself, not only in Python.

PostgreSQL: a trigger refuses every UPDATE, and every DELETE unless the
transaction set `rbl.retention_purge = on` (only `rbl retentie` does, for
rows past the retention term). TRUNCATE is not blocked: the test suite
empties tables that way, and TRUNCATE needs table-owner rights that the
application role should not hold in production.
SQLite: a trigger refuses every UPDATE; DELETE is guarded by the model
(SQLite has no session settings to tell the retention job apart).
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION audit_accesslog_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('rbl.retention_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'De toegangslog is onveranderlijk (' || TG_OP || ').';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accesslog_immutable
    BEFORE UPDATE OR DELETE ON audit_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION audit_accesslog_immutable();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS audit_accesslog_immutable ON audit_accesslogentry;
DROP FUNCTION IF EXISTS audit_accesslog_immutable();
"""
SQLITE_FORWARD = """
CREATE TRIGGER audit_accesslog_no_update BEFORE UPDATE ON audit_accesslogentry
BEGIN
    SELECT RAISE(ABORT, 'De toegangslog is onveranderlijk (UPDATE).');
END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS audit_accesslog_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse)]
