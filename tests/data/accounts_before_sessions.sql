-- The accounts store (SQLite, apart from the data file; auth.py): accounts with bcrypt hashes,
-- failed-login counters and the lock (login_failure), logins in flight (login_attempt), and the
-- append-only audit trail.
create table if not exists account (
    name text primary key,
    role text not null check (role in ('admin', 'standing_committee', 'organisation_board', 'commune')),
    unit_id text,
    password_hash text not null,
    disabled integer not null default 0,
    version integer not null default 1,
    created_at text not null,
    password_changed_at text,
    last_login text
);
create table if not exists login_failure (
    name text primary key,
    failures integer not null,
    locked_until text
);
-- Logins being checked now, and the failures since the last success (auth._verify): a login takes
-- a row before its password is checked, in the transaction that reads the lock; a wrong password
-- marks it failed, the right one deletes it with every row taken before it. Failures plus rows in
-- flight never pass auth.MAX_FAILURES, so no more wrong passwords are checked before the lock.
create table if not exists login_attempt (
    id integer primary key autoincrement,
    name text not null,
    started_at text not null,
    failed integer not null default 0
);
create index if not exists login_attempt_name on login_attempt (name, failed);
create table if not exists audit (
    id integer primary key autoincrement,
    at text not null,
    account text,
    action text not null,
    details text not null
);
create trigger if not exists audit_append_only_update before update on audit
begin select raise(abort, 'the audit table is append-only'); end;
create trigger if not exists audit_append_only_delete before delete on audit
begin select raise(abort, 'the audit table is append-only'); end;
