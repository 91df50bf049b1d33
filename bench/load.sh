#!/usr/bin/env bash
# Load test: `confide serve` on a generated corpus, measured with wrk on
# loopback, next to nginx serving the same story page as a static file in the
# same run on the same machine. Usage:
#
#   bash bench/load.sh                       # 10,000 stories on SQLite
#   STORIES=100000 bash bench/load.sh        # a grown site (the scale issue's size)
#   DB='postgres://…' bash bench/load.sh     # an already filled PostgreSQL database
#   MIXED=only bash bench/load.sh            # only the mixed run (searches against pages)
#   COMMENTS=only bash bench/load.sh         # only story pages under a stream of comments
#
# Settings (environment): STORIES, DB, DURATION (15s), CONNS (16), THREADS (2),
# MIXED (yes: the reading runs and then the mixed run; no; only),
# COMMENTS (yes: also the run under a stream of comments; no; only),
# COMMENT_RATE (10 comments a second, each posted and then approved).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}

STORIES=${STORIES:-10000}
OUT=bench/out
DB=${DB:-sqlite:$OUT/bench-$STORIES.db}
DURATION=${DURATION:-15s}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-18090}
NGINX_PORT=${NGINX_PORT:-18091}
MIXED=${MIXED:-yes}
COMMENTS=${COMMENTS:-yes}
COMMENT_RATE=${COMMENT_RATE:-10}
if [ "$COMMENTS" = only ]; then MIXED=skip; fi

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install wrk nginx-light curl)" >&2; exit 2; }
done
mkdir -p "$OUT"

go build -o "$OUT/confide" ./cmd/confide
go build -o "$OUT/commenter" ./bench/cmd/commenter
if [[ "$DB" == sqlite:* && ! -f "${DB#sqlite:}" ]]; then
  go run ./bench/cmd/corpus --db "$DB" --stories "$STORIES" --related
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# Loopback is the trusted proxy: the comment stream gives each comment an
# address of its own in X-Forwarded-For. Posting needs the site's secret key
# (made beside a SQLite database; PostgreSQL needs a file).
[ -f "$OUT/secret.key" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$OUT/secret.key"
export CONFIDE_SECRET_KEY_FILE="$PWD/$OUT/secret.key"
"$OUT/confide" serve --db "$DB" --addr "127.0.0.1:$PORT" --trusted-proxies 127.0.0.1 --log-level warn >"$OUT/confide.log" 2>&1 &
CONFIDE_PID=$!
pids+=("$CONFIDE_PID")
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done

# The comment run's layers are set now: a change of settings empties the
# page cache, and must not fall inside a measured run.
if [ "$COMMENTS" != no ]; then
  "$OUT/commenter" --setup --db "$DB"
fi

# Many different story pages to rotate over, from the sitemap's files.
curl -fs "http://127.0.0.1:$PORT/sitemap.xml" >"$OUT/sitemap.xml"
: >"$OUT/stories.txt"
for file in $(grep -o "/sitemaps/stories-[0-9]*.xml" "$OUT/sitemap.xml"); do
  curl -fs "http://127.0.0.1:$PORT$file" | grep -o "/stories/[^<]*" >>"$OUT/stories.txt"
  [ "$(wc -l <"$OUT/stories.txt")" -ge 5000 ] && break
done
sed -i '5001,$d' "$OUT/stories.txt"
SECTION=$(curl -fs "http://127.0.0.1:$PORT/sitemaps/pages.xml" | grep -o "/sections/[^<]*" | awk 'NR == 1')
echo "/" >"$OUT/home.txt"
echo "$SECTION" >"$OUT/section.txt"

# nginx serves one of the same story pages as a static file, and every
# story page of the rotation at its own path (the same 5,000 pages as a
# static site), with the headers confide sends with them: the same bytes
# on the wire, so that the rates compare like with like.
rm -rf "$OUT/nginx/www"
mkdir -p "$OUT/nginx/www/stories" "$OUT/nginx/logs"
curl -fs "http://127.0.0.1:$PORT$(head -n 1 "$OUT/stories.txt")" >"$OUT/nginx/www/story.html"
sed "s|.*|url = \"http://127.0.0.1:$PORT&\"\noutput = \"$OUT/nginx/www&\"|" "$OUT/stories.txt" | curl -fs -K -
gzip -6 -k -f "$OUT/nginx/www/story.html" "$OUT"/nginx/www/stories/* # for gzip_static, like confide's cached pages
echo "/story.html" >"$OUT/static.txt"
curl -fs -o /dev/null -D - -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PORT$(head -n 1 "$OUT/stories.txt")" |
  tr -d '\r' | grep -iE '^(content-security-policy|referrer-policy|permissions-policy|cross-origin-opener-policy|x-content-type-options|x-frame-options|cache-control|vary|x-request-id):' |
  sed -E 's/^([^:]+): (.*)$/add_header \1 "\2" always;/' >"$OUT/nginx/headers.conf"
cat >"$OUT/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $PWD/$OUT/nginx/nginx.pid;
error_log $PWD/$OUT/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 100000;
  default_type text/html;
  client_body_temp_path $PWD/$OUT/nginx/tmp;
  proxy_temp_path $PWD/$OUT/nginx/tmp;
  fastcgi_temp_path $PWD/$OUT/nginx/tmp;
  uwsgi_temp_path $PWD/$OUT/nginx/tmp;
  scgi_temp_path $PWD/$OUT/nginx/tmp;
  gzip_static on;
  server {
    listen 127.0.0.1:$NGINX_PORT; root $PWD/$OUT/nginx/www;
    location /stories/ { include $PWD/$OUT/nginx/headers.conf; }
  }
}
CONF
mkdir -p "$OUT/nginx/tmp"
nginx -p "$PWD/$OUT/nginx" -c "$PWD/$OUT/nginx/nginx.conf" -g "daemon off;" &
pids+=("$!")
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$NGINX_PORT/story.html" >/dev/null && break; sleep 0.1; done

# Every page in the rotation is asked for once before the runs, as a site's
# pages are after a while: the runs measure a site in its steady state (a
# page rendered afresh is BenchmarkStoryPageUncached's business).
sed "s|^|http://127.0.0.1:$PORT|" "$OUT/stories.txt" | xargs -n 500 curl -fs -H 'Accept-Encoding: gzip' >/dev/null

bytes() { curl -fs "$1" | wc -c; }
echo "story page: $(bytes "http://127.0.0.1:$PORT$(head -n 1 "$OUT/stories.txt")") bytes; $(wc -l <"$OUT/stories.txt") stories in rotation"

run() { # name base-url paths-file encoding [connections]
  local conns=${5:-$CONNS} threads=$THREADS
  [ "$conns" -lt "$threads" ] && threads=$conns
  wrk -t"$threads" -c"$conns" -d3s -s bench/rotate.lua "$2" -- "$3" "$4" >/dev/null # warm-up
  local line
  line=$(wrk -t"$threads" -c"$conns" -d"$DURATION" -s bench/rotate.lua "$2" -- "$3" "$4" | grep '^RESULT')
  printf '%-30s %s\n' "$1" "${line#RESULT }"
}

echo "wrk: $THREADS threads, $CONNS connections, $DURATION per run, database $(echo "$DB" | sed 's|//[^@]*@|//…@|')"
if [ "$MIXED" != only ] && [ "$MIXED" != skip ]; then
  for enc in gzip identity; do
    run "nginx static story, $enc" "http://127.0.0.1:$NGINX_PORT" "$OUT/static.txt" "$enc"
    run "nginx static site, $enc" "http://127.0.0.1:$NGINX_PORT" "$OUT/stories.txt" "$enc"
    run "story (rotating), $enc" "http://127.0.0.1:$PORT" "$OUT/stories.txt" "$enc"
    run "home, $enc" "http://127.0.0.1:$PORT" "$OUT/home.txt" "$enc"
    run "section, $enc" "http://127.0.0.1:$PORT" "$OUT/section.txt" "$enc"
  done
fi

# The mixed run: 8 clients read story pages (every third link carries
# query parameters the page does not read, as links from newsletters and
# social sites do) while 8 clients search the broadest classes; first the
# story pages alone with the same 8 clients, for the rate to compare with.
# Searches beyond the search slots wait briefly, then get 503 (counted in
# errors): that is the protection working.
if [ "$MIXED" != no ] && [ "$MIXED" != skip ]; then
  awk '{ print (NR % 3 == 0) ? $0 "?utm_source=newsletter&utm_medium=email" : $0 }' "$OUT/stories.txt" >"$OUT/stories-mixed.txt"
  grep -v '^#' bench/search-queries.txt | grep -v '^$' | python3 -c 'import sys, urllib.parse
for q in sys.stdin.read().splitlines(): print("/search?q=" + urllib.parse.quote(q))' >"$OUT/searches.txt"
  sed "s|^|http://127.0.0.1:$PORT|" "$OUT/stories-mixed.txt" | xargs -n 500 curl -fs -H 'Accept-Encoding: gzip' >/dev/null
  run "story alone, 8 clients" "http://127.0.0.1:$PORT" "$OUT/stories-mixed.txt" gzip 8
  wrk -t1 -c8 -d"$DURATION" -s bench/rotate.lua "http://127.0.0.1:$PORT" -- "$OUT/searches.txt" gzip | grep '^RESULT' >"$OUT/mixed-search.txt" &
  search_pid=$!
  sleep 1
  line=$(wrk -t1 -c8 -d"$DURATION" -s bench/rotate.lua "http://127.0.0.1:$PORT" -- "$OUT/stories-mixed.txt" gzip | grep '^RESULT')
  wait "$search_pid"
  printf '%-30s %s\n' "story with 8 searching" "${line#RESULT }"
  line=$(cat "$OUT/mixed-search.txt")
  printf '%-30s %s\n' "search (8 clients)" "${line#RESULT }"
fi
# Story pages under a steady stream of comments: COMMENT_RATE a second,
# each posted (held) and approved a moment later by a moderator through the
# database, as another instance would, while wrk reads story pages. Every
# approval changes its story's pages and the Latest Comments box on every
# page; the other pages must stay cached. nginx's static rate, measured just
# before, is the yardstick (the target: at least half of it): one page
# ("static story") and the same 5,000 pages with confide's headers
# ("static site").
# Cached pages live a minute (their times are relative), and the passes
# that fill the cache take a while at this size: so each of the two story
# runs starts from a freshly started confide whose cache was just filled,
# and both measure pages of the same age.
if [ "$COMMENTS" != no ]; then
  secs=${DURATION%s}
  restart() {
    kill "$CONFIDE_PID"; wait "$CONFIDE_PID" 2>/dev/null || true
    "$OUT/confide" serve --db "$DB" --addr "127.0.0.1:$PORT" --trusted-proxies 127.0.0.1 --log-level warn >>"$OUT/confide.log" 2>&1 &
    CONFIDE_PID=$!
    pids+=("$CONFIDE_PID")
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
    sed "s|^|http://127.0.0.1:$PORT|" "$OUT/stories.txt" | xargs -n 500 curl -fs -H 'Accept-Encoding: gzip' >/dev/null
  }
  run "nginx static story, gzip" "http://127.0.0.1:$NGINX_PORT" "$OUT/static.txt" gzip
  run "nginx static site, gzip" "http://127.0.0.1:$NGINX_PORT" "$OUT/stories.txt" gzip
  restart
  run "story, no comments" "http://127.0.0.1:$PORT" "$OUT/stories.txt" gzip
  restart
  "$OUT/commenter" --url "http://127.0.0.1:$PORT" --db "$DB" --stories "$OUT/stories.txt" \
    --rate "$COMMENT_RATE" --duration "$((secs + 4))s" >"$OUT/commenter.txt" 2>&1 &
  commenter_pid=$!
  sleep 1
  run "story, $COMMENT_RATE comments/s" "http://127.0.0.1:$PORT" "$OUT/stories.txt" gzip
  wait "$commenter_pid" || true
  line=$(grep '^RESULT' "$OUT/commenter.txt" || cat "$OUT/commenter.txt")
  printf '%-30s %s\n' "comment stream" "${line#RESULT }"
fi
echo "confide memory: $(grep -E 'VmHWM|VmRSS' /proc/$CONFIDE_PID/status | tr -s ' \t' ' ' | paste -sd ' ')"
