#!/bin/sh
# Run by the postgres image on its first start (/docker-entrypoint-initdb.d, docker-compose.yml):
# the role the console connects as. It logs in and owns nothing; `migrate`, run as the owner
# (POSTGRES_USER), grants it the tables and, on the audit log, SELECT and INSERT only
# (access/db_roles.py). On a database made before this script, run the CREATE ROLE by hand.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE fifth_app LOGIN PASSWORD :'app_password';
SQL
