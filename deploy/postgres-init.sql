-- Generated from shared/registry.py by `make generated`; do not edit.
-- First start of the postgres image (docker-compose.yml): one role and database per
-- service, each role with its own password (<NAME>_DATABASE_PASSWORD), and only its
-- own role may connect to a service's database. deploy/postgres.sh does the same
-- without Docker.
\set password `echo "$GATEWAY_DATABASE_PASSWORD"`
CREATE ROLE gateway LOGIN PASSWORD :'password';
CREATE DATABASE gateway OWNER gateway;
REVOKE CONNECT, TEMPORARY ON DATABASE gateway FROM PUBLIC;
\set password `echo "$INTAKE_DATABASE_PASSWORD"`
CREATE ROLE intake LOGIN PASSWORD :'password';
CREATE DATABASE intake OWNER intake;
REVOKE CONNECT, TEMPORARY ON DATABASE intake FROM PUBLIC;
\set password `echo "$SCHEDULING_DATABASE_PASSWORD"`
CREATE ROLE scheduling LOGIN PASSWORD :'password';
CREATE DATABASE scheduling OWNER scheduling;
REVOKE CONNECT, TEMPORARY ON DATABASE scheduling FROM PUBLIC;
\set password `echo "$FORMS_DATABASE_PASSWORD"`
CREATE ROLE forms LOGIN PASSWORD :'password';
CREATE DATABASE forms OWNER forms;
REVOKE CONNECT, TEMPORARY ON DATABASE forms FROM PUBLIC;
\set password `echo "$AUDIT_DATABASE_PASSWORD"`
CREATE ROLE audit LOGIN PASSWORD :'password';
CREATE DATABASE audit OWNER audit;
REVOKE CONNECT, TEMPORARY ON DATABASE audit FROM PUBLIC;
\set password `echo "$WITNESS_DATABASE_PASSWORD"`
CREATE ROLE witness LOGIN PASSWORD :'password';
CREATE DATABASE witness OWNER witness;
REVOKE CONNECT, TEMPORARY ON DATABASE witness FROM PUBLIC;
