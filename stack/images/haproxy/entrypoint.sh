#!/bin/sh
# Write haproxy.cfg for the backends in HAPROXY_BACKENDS (host:port,host:port) and run it.
set -eu
: "${HAPROXY_BACKENDS:?set HAPROXY_BACKENDS, e.g. shop-api-1:8000}"
CFG=/tmp/haproxy.cfg
cat > "$CFG" <<CFG
global
    maxconn ${HAPROXY_MAXCONN:-4096}
    log stdout format raw local0 notice

defaults
    mode http
    log global
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    retries 2
    option redispatch

# Docker's embedded DNS: a replica re-created by a chaos fault may come back on a new address.
resolvers docker
    nameserver dns 127.0.0.11:53
    resolve_retries 3
    timeout resolve 1s
    timeout retry 1s
    hold valid 2s
    hold other 2s
    hold refused 2s
    hold nx 2s
    hold timeout 2s
    hold obsolete 2s

frontend shop
    bind :80
    default_backend shop_api

frontend stats
    bind :8404
    stats enable
    stats uri /stats
    stats refresh 5s

backend shop_api
    balance roundrobin
    option httpchk GET /healthz
    default-server check inter 1s fall 2 rise 1 resolvers docker init-addr last,libc,none
CFG
for backend in $(echo "$HAPROXY_BACKENDS" | tr ',' ' '); do
    echo "    server ${backend%%:*} $backend" >> "$CFG"
done
exec haproxy -W -db -f "$CFG"
