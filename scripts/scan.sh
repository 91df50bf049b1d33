#!/usr/bin/env bash
# scripts/scan.sh: attack a local Confide with sqlmap and wapiti (Debian's
# packages), on SQLite and on PostgreSQL, anonymously and logged in as each
# role, with the anti-spam layers that need a person switched off so that
# every form is really reached. Everything stays on 127.0.0.1.
#
#   bash scripts/scan.sh                 # both engines (PostgreSQL when psql reaches it)
#   ENGINES=sqlite bash scripts/scan.sh  # one
#   QUICK=1 bash scripts/scan.sh         # sqlmap at level 1, for a first look
#   TOOLS=sqlmap PORT=18432 bash …       # one tool; another port (two scans at once)
#   WAPITI_TIME=600 bash …               # seconds each wapiti run may take (1800)
#   SQLMAP_WHO="admin advisor" bash …    # sqlmap only as these ("" for none)
#   WAPITI_WHO="moderator" bash …        # wapiti only as these ("" for none)
#   SQLMAP_SETTINGS=0 bash …             # leave out sqlmap on the settings form
#   SQLMAP_SKIP="user-agent,referer" …   # parameters sqlmap leaves alone (its --skip)
#
# It prints a summary and leaves the full reports in scan-out/. It takes
# long (sqlmap at --level 3 --risk 2 tries every parameter of every form
# with hundreds of payloads): an hour or more on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"

for tool in sqlmap wapiti curl; do
  command -v "$tool" >/dev/null || { echo "scan: $tool is missing (apt-get install -y sqlmap wapiti curl)" >&2; exit 2; }
done
OUT="${OUT:-$(pwd)/scan-out}"
rm -rf "$OUT"; mkdir -p "$OUT"
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
go build -o "$WORK/confide" ./cmd/confide
# The key of signed forms and address hashes; the same for both sites.
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$WORK/key"

# wapiti's wapp module downloads a database at start unless this file is
# there; the modules that call servers on the internet (ssrf, xxe, wapp,
# nikto's database) are left out below.
mkdir -p ~/.wapiti/config
[ -f ~/.wapiti/config/apps.json ] || echo '{}' > ~/.wapiti/config/apps.json
# Left out as well: csrf (the site refuses cross-origin posts by their
# Origin and Sec-Fetch-Site headers, not by tokens, which this module looks
# for) and brute_login_form (login throttling answers it, by design).
MODULES="backup,blindsql,cookieflags,crlf,csp,exec,file,htaccess,http_headers,methods,permanentxss,redirect,sql,xss"
LEVEL=3; RISK=2
# Links that end a session or destroy the data being scanned are not
# followed, nor the settings form until the end (a scan that posts it
# turns two-factor login on, and every later admin page is the enrolment
# page); of the many pages of one form (every story's editor, every
# letter, page 2, 3 … of a list) the first is scanned: the same form with
# another id reaches the same code.
EXCLUDE='logout|sessions/end|delete|disable|reset-2fa|/role|/admin/settings|/(stories|comments|letters|sections|outbox|users|s)/([2-9]|[1-9][0-9]+)|page=[2-9]|[?&]parent=([2-9]|[1-9][0-9]+)'

if [ -n "${QUICK:-}" ]; then LEVEL=1; RISK=1; fi

PORT=${PORT:-18431}

# run_wapiti is wapiti with Debian 3.0.4's -x fixed: its wildcard pattern
# puts the regular expression's flags last, which Python 3.11 refuses, so
# any -x stops it at start.
run_wapiti() {
  # The Python wapiti runs with (its own script's first line): not the
  # first python3 on the PATH, which may not have its packages.
  local py
  py=$(head -n 1 "$(command -v wapiti)" | sed 's/^#! *//')
  "$py" - "$@" <<'PY'
import re, sys
import wapitiCore.net.crawler as crawler
def wildcard_translate(pattern):
    return re.compile("(?ms)" + "".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\Z")
crawler.wildcard_translate = wildcard_translate
from wapitiCore.main.wapiti import wapiti_main
sys.argv = ["wapiti"] + sys.argv[1:]
sys.exit(wapiti_main())
PY
}
PASSWORD="scan the site with care 42"

# login EMAIL JAR: logs in through the form (the demo needs no second factor).
login() {
  curl -s -o /dev/null -c "$2" -b "$2" "http://127.0.0.1:$PORT/admin/login" \
    --data-urlencode "email=$1" --data-urlencode "password=$PASSWORD"
  grep -q confide_session "$2" || { echo "scan: login as $1 failed" >&2; exit 1; }
}

# run ENGINE DBURL: one site, every scan.
run() {
  local engine=$1 db=$2 base="http://127.0.0.1:$PORT"
  for role in admin advisor moderator; do
    printf '%s\n' "$PASSWORD" | "$WORK/confide" user add --db "$db" --email "$role@scan.local" --name "Scan $role" --role "$role" >/dev/null
  done
  "$WORK/confide" demo --db "$db" --addr "127.0.0.1:$PORT" --secret-key-file "$WORK/key" >"$OUT/$engine-server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.2; done
  curl -sf "$base/readyz" >/dev/null || { echo "scan: the $engine site did not start; see $OUT/$engine-server.log" >&2; exit 1; }
  login admin@scan.local "$WORK/admin.jar"
  # The layers that need a person off; everything a form checks by itself stays.
  curl -s -o /dev/null -b "$WORK/admin.jar" "$base/admin/antispam" --data "links=1&rules=1&score=1&max_links=5&policy=publish"
  for role in admin advisor moderator; do login "$role@scan.local" "$WORK/$role.jar"; done

  local skip=()
  [ -n "${SQLMAP_SKIP:-}" ] && skip=(--skip "$SQLMAP_SKIP")
  if [[ " ${TOOLS:-sqlmap wapiti} " == *" sqlmap "* ]]; then
  echo "== $engine: sqlmap (level $LEVEL, risk $RISK): ${SQLMAP_WHO-anonymous admin advisor moderator}"
  for who in ${SQLMAP_WHO-anonymous admin advisor moderator}; do
    local cookie=()
    if [ "$who" != anonymous ]; then
      cookie=(--cookie "confide_session=$(awk '$6 == "confide_session" {print $7}' "$WORK/$who.jar")")
    fi
    start="$base/"; [ "$who" != anonymous ] && start="$base/admin/"
    sqlmap -u "$start" --crawl=3 --forms --batch --level "$LEVEL" --risk "$RISK" --threads 4 "${skip[@]}" \
      --crawl-exclude "$EXCLUDE" "${cookie[@]}" \
      --output-dir "$OUT/sqlmap-$engine-$who" >"$OUT/sqlmap-$engine-$who.log" 2>&1 || true
  done
  fi

  if [[ " ${TOOLS:-sqlmap wapiti} " == *" wapiti "* ]]; then
  echo "== $engine: wapiti ($MODULES): ${WAPITI_WHO-anonymous admin advisor moderator}"
  for who in ${WAPITI_WHO-anonymous admin advisor moderator}; do
    local hdr=()
    if [ "$who" != anonymous ]; then
      # No public page links to the staff area: wapiti starts there too,
      # or it scans only the public pages with a cookie.
      hdr=(-s "$base/admin/" -H "Cookie: confide_session=$(awk '$6 == "confide_session" {print $7}' "$WORK/$who.jar")")
    fi
    run_wapiti -u "$base/" --scope folder -m "$MODULES" "${hdr[@]}" -x "$base/admin/logout" -x "$base/admin/account/*" -x "$base/admin/settings" \
      -x "$base/admin/users/*" -x "$base/*/delete" -x "$base/*/disable" \
      --max-scan-time "${WAPITI_TIME:-1800}" --flush-session -f json -o "$OUT/wapiti-$engine-$who.json" >"$OUT/wapiti-$engine-$who.log" 2>&1 || true
  done
  fi
  # The settings form last of all: posting it turns two-factor login on,
  # and every later admin page, wapiti's too, would be the enrolment page.
  if [[ " ${TOOLS:-sqlmap wapiti} " == *" sqlmap "* && "${SQLMAP_SETTINGS:-1}" != 0 ]]; then
  echo "== $engine: sqlmap on the settings form"
  sqlmap -u "$base/admin/settings" --forms --batch --level "$LEVEL" --risk "$RISK" --threads 4 "${skip[@]}" \
    --cookie "confide_session=$(awk '$6 == "confide_session" {print $7}' "$WORK/admin.jar")" \
    --output-dir "$OUT/sqlmap-$engine-settings" >"$OUT/sqlmap-$engine-settings.log" 2>&1 || true
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

summary() {
  echo
  echo "== Summary"
  shopt -s nullglob # a run of one tool leaves no report of the other
  for f in "$OUT"/sqlmap-*.log; do
    # sqlmap lists what it confirms after "identified the following
    # injection point"; a time-based hint it then finds to be noise
    # ("false positive or unexploitable") under load is no finding.
    n=$(grep -c "identified the following injection point" "$f" || true)
    noise=$(grep -c "false positive or unexploitable" "$f" || true)
    tried=$(grep -oE "(GET|POST) parameter '[^']+' does not seem to be injectable" "$f" | sort -u | wc -l)
    targets=$(grep -oE "found a total of [0-9]+ targets" "$f" | grep -oE "[0-9]+" || echo 0)
    printf '%-36s %s injectable; %s parameters tried and not injectable (%s timing hints rejected by sqlmap as noise), %s targets crawled\n' "$(basename "$f" .log)" "$n" "$tried" "$noise" "$targets"
  done
  for f in "$OUT"/wapiti-*.json; do
    [ -f "$f" ] || continue
    python3 - "$f" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
found = {k: len(v) for k, v in r.get("vulnerabilities", {}).items() if v}
anomalies = {k: len(v) for k, v in r.get("anomalies", {}).items() if v}
name = sys.argv[1].rsplit("/", 1)[-1][:-5]
print(f"{name:40s} vulnerabilities: {found or 'none'}; anomalies: {anomalies or 'none'}")
PY
  done
}

ENGINES="${ENGINES:-sqlite postgres}"
for e in $ENGINES; do
  case $e in
    sqlite) run sqlite "sqlite:$WORK/scan.db" ;;
    postgres)
      PGURL="${CONFIDE_SCAN_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
      name="confide_scan_$$"
      if psql "$PGURL" -qc "CREATE DATABASE $name" 2>/dev/null; then
        run postgres "${PGURL/\/postgres\?/\/$name?}"
        psql "$PGURL" -qc "DROP DATABASE $name WITH (FORCE)" || true
      else
        echo "scan: no PostgreSQL at $PGURL: skipping it" >&2
      fi ;;
  esac
done
summary
