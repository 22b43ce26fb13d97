#!/bin/sh
# Creates the role n8n connects as: the owner of n8n's database, not a superuser. Run once by the
# postgres image on a new data volume (docker-entrypoint-initdb.d), as the superuser; the
# end-to-end tests run it against the machine's PostgreSQL in the same way (local/n8n.ts).
# Needs POSTGRES_USER, POSTGRES_DB (the superuser and the database) and N8N_DB_USER, N8N_DB_PASSWORD.
set -eu
: "${N8N_DB_USER:?}" "${N8N_DB_PASSWORD:?}" "${POSTGRES_DB:?}" "${POSTGRES_USER:?}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v role="$N8N_DB_USER" -v password="$N8N_DB_PASSWORD" -v db="$POSTGRES_DB" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION', :'role')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I WITH PASSWORD %L', :'role', :'password') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'role') \gexec
SELECT format('ALTER SCHEMA public OWNER TO %I', :'role') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SQL
