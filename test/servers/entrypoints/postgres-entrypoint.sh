#!/usr/bin/env bash
# Stand-in for the official postgres image's docker-entrypoint.sh, for the real-server
# tests: the same first-start steps on Debian's binaries, and only those the presets rely
# on. What it leaves out (README, "Real-server tests"): running as root (chown, gosu),
# /docker-entrypoint-initdb.d scripts, POSTGRES_INITDB_WALDIR, POSTGRES_HOST_AUTH_METHOD
# other than scram-sha-256, and the *_FILE variants of other variables than the user and password.
set -Eeuo pipefail

# like the image's file_env: VAR from the file named by VAR_FILE (both set is an error), else VAR or a default
file_env() {
  local var="$1" fileVar="${1}_FILE" def="${2:-}"
  if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
    echo "error: both $var and $fileVar are set (but are exclusive)" >&2
    exit 1
  fi
  local val="$def"
  if [ "${!var:-}" ]; then
    val="${!var}"
  elif [ "${!fileVar:-}" ]; then
    val="$(< "${!fileVar}")"
  fi
  export "$var"="$val"
  unset "$fileVar"
}

# like the image: a first argument that is an option means "postgres <options>"
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

if [ "$1" = 'postgres' ]; then
  : "${PGDATA:?PGDATA is not set}"
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" || :
  # like the image (docker_setup_env, at every start): the *_FILE variables become the plain ones for its own processes
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
      echo 'Error: Database is uninitialized and superuser password is not specified (POSTGRES_PASSWORD).' >&2
      exit 1
    fi
    POSTGRES_USER="${POSTGRES_USER:-postgres}"
    POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
    # like the image: an arbitrary uid without a passwd entry gets one through nss_wrapper (initdb needs a user name)
    if ! getent passwd "$(id -u)" > /dev/null; then
      NSS_WRAPPER_PASSWD="$(mktemp)"
      NSS_WRAPPER_GROUP="$(mktemp)"
      export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libnss_wrapper.so NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
      echo "postgres:x:$(id -u):$(id -g):PostgreSQL:$PGDATA:/bin/false" > "$NSS_WRAPPER_PASSWD"
      echo "postgres:x:$(id -g):" > "$NSS_WRAPPER_GROUP"
    fi
    initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD")
    unset LD_PRELOAD NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
    printf '\n%s\n' 'host all all all scram-sha-256' >> "$PGDATA/pg_hba.conf"
    # the image's postgresql.conf.sample has listen_addresses = '*'; Debian's says 'localhost'
    printf '%s\n' "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
    # the image's temporary server: socket only, no TCP, while the database is created
    PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
    if [ "$POSTGRES_DB" != 'postgres' ]; then
      PGPASSWORD= psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
        --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
    fi
    PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -m fast -w stop
    echo 'PostgreSQL init process complete; ready for start up.'
  fi
fi

exec "$@"
