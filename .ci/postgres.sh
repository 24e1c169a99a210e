# A PostgreSQL server on loopback for the database tests and bench/db_load.py.
# Sourced by .ci/run; by hand, as root: `source .ci/postgres.sh` (then PG_TEST_URL is set in your shell).
# Idempotent: installs Debian's postgresql only when it is missing, creates a cluster only when there is
# none, starts it only when it is down, and creates the role and the database only once.
# The server listens where Debian's default puts it: localhost (127.0.0.1 and ::1) only.

pg_test_setup() {
    local user=news_pipeline password=news_pipeline database=news_pipeline_test
    local version cluster port status
    if [ "$(id -u)" != 0 ]; then
        echo "postgres.sh: not root, no PostgreSQL server started; the PostgreSQL tests will be skipped" >&2
        return 0
    fi
    if ! command -v pg_ctlcluster >/dev/null || ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
    fi
    read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1) || true
    if [ -z "${version:-}" ]; then
        version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
        pg_createcluster "$version" main
        read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1)
    fi
    if [[ "$status" != online* ]]; then
        # As the postgres user, pg_ctlcluster runs pg_ctl itself rather than asking systemd.
        runuser -u postgres -- pg_ctlcluster "$version" "$cluster" start
    fi
    pg_isready -q -h 127.0.0.1 -p "$port" -t 60
    pg_test_psql() { (cd / && runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qAt "$@"); }
    if [ "$(pg_test_psql -c "select 1 from pg_roles where rolname = '$user'")" != 1 ]; then
        pg_test_psql -c "create role $user login password '$password'"
    fi
    if [ "$(pg_test_psql -c "select 1 from pg_database where datname = '$database'")" != 1 ]; then
        pg_test_psql -c "create database $database owner $user"
    fi
    export PG_TEST_URL="postgresql://$user:$password@127.0.0.1:$port/$database"
    echo "postgres.sh: PostgreSQL $version ($cluster) on 127.0.0.1:$port, PG_TEST_URL=$PG_TEST_URL" >&2
}

pg_test_setup
