-- The audit log in its own database, owned by its own role, so that the application's store
-- role cannot rewrite it. Run once by the postgres image on an empty volume.
-- Replace the password (or set it afterwards with \password otc_audit).
CREATE ROLE otc_audit LOGIN PASSWORD 'change-me';
CREATE DATABASE otc_audit OWNER otc_audit;
