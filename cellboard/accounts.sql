-- The accounts store (SQLite, apart from the data file; auth.py): accounts with bcrypt hashes,
-- failed-login counters and the lock (login_failure), logins in flight (login_attempt), the
-- append-only audit trail and the sessions of signed-in browsers (session).
--
-- Written as numbered steps. A store's `pragma user_version` is the number of the last step applied
-- to it (each step ends by setting it); auth.migrate() applies the missing ones in order, each in one
-- transaction. A released step is never edited: a change is a new step at the end (auth.py,
-- "the store's versions", says how a step rebuilds a table SQLite cannot alter in place).

-- step 1: the tables of the first release. A store made before the steps were numbered (by this
-- same text, run on every connection) has these tables and user_version 0: every statement here
-- is "if not exists", so on such a store step 1 only sets the version.
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
-- marks it failed, the right one deletes it and the failed rows before it. Failures plus rows in
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
pragma user_version = 1;

-- step 2: sessions (issue 13). A signed-in browser holds a random token in an HttpOnly cookie; the
-- store keeps only its HMAC-SHA256 (cellboard/sessions.py), the account, the account's version at
-- the login (a password change or a disable raises it: the session ends), when it started and when
-- it was last seen (written at most every seen_every_minutes, cellboard.toml). `ended` is null while
-- the session is open, else why it was ended for its browser (a password change, a disable, `users
-- logout`): that browser's next check is told the session ended, and the row goes.
create table session (
    token_hash text primary key,
    account text not null,
    version integer not null,
    created_at text not null,
    last_seen text not null,
    ended text
);
create index session_account on session (account);
pragma user_version = 2;

-- step 3: the role `department` (issue 14). A department (Phòng ban / cơ quan) answers the opinions
-- of its unit's subtree: an account of that role names its department, as the data database's
-- `department` table spells it (trimmed, Unicode NFC; auth.check_department checks it exists at the
-- account's unit), and no other role names one. The role list is a CHECK of `account`, which SQLite
-- cannot alter in place, so the table is rebuilt with the new CHECK and the new column, every row
-- copied as it was (department null). No index or trigger belongs to `account`, and no foreign key
-- names it (sessions, failures and the audit name an account by its text), so nothing else changes.
create table account_new (
    name text primary key,
    role text not null check (
        role in ('admin', 'standing_committee', 'organisation_board', 'commune', 'department')
    ),
    unit_id text,
    password_hash text not null,
    disabled integer not null default 0,
    version integer not null default 1,
    created_at text not null,
    password_changed_at text,
    last_login text,
    department text,
    -- a department account names its department and its unit; no other account names a department
    check (
        case when role = 'department' then department is not null and trim(department) <> ''
                                           and unit_id is not null
             else department is null end
    )
);
insert into account_new (name, role, unit_id, password_hash, disabled, version, created_at,
                         password_changed_at, last_login)
select name, role, unit_id, password_hash, disabled, version, created_at, password_changed_at, last_login
from account;
drop table account;
alter table account_new rename to account;
pragma user_version = 3;
