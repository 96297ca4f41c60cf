-- Generated from shared/registry.py by `make generated`; do not edit.
-- First start of the postgres image (docker-compose.yml): one role and database per
-- service, with the password the container was given. deploy/postgres.sh does the
-- same without Docker.
\set password `echo "$POSTGRES_PASSWORD"`
CREATE ROLE gateway LOGIN PASSWORD :'password';
CREATE DATABASE gateway OWNER gateway;
CREATE ROLE intake LOGIN PASSWORD :'password';
CREATE DATABASE intake OWNER intake;
CREATE ROLE scheduling LOGIN PASSWORD :'password';
CREATE DATABASE scheduling OWNER scheduling;
CREATE ROLE forms LOGIN PASSWORD :'password';
CREATE DATABASE forms OWNER forms;
CREATE ROLE audit LOGIN PASSWORD :'password';
CREATE DATABASE audit OWNER audit;
