#!/usr/bin/env bash
# Prints the nginx.conf that run.sh runs, from the GWB_* values run.sh derived from the
# contract's GW_* variables. Every setting here is a tuning knob listed in README.md.
set -euo pipefail
cat <<CONF
daemon off;
master_process on;
worker_processes $GWB_WORKERS;
# 20000 open files per process is this machine's hard cap; client and upstream sockets share it.
worker_rlimit_nofile 20000;
worker_shutdown_timeout 10s;
pid $GWB_DIR/nginx.pid;
error_log stderr warn;

events {
    use epoll;
    worker_connections 19500;
    multi_accept off;
}

http {
    access_log off;
    server_tokens off;
    client_body_temp_path $GWB_DIR/client_body;
    proxy_temp_path $GWB_DIR/proxy;
    fastcgi_temp_path $GWB_DIR/fastcgi;
    uwsgi_temp_path $GWB_DIR/uwsgi;
    scgi_temp_path $GWB_DIR/scgi;

    keepalive_timeout ${GWB_IDLE_MS}ms;
    keepalive_requests 1000000;
    # Connections opened by the load generator and idle before their first request.
    client_header_timeout ${GWB_IDLE_MS}ms;
    client_body_timeout ${GWB_IDLE_MS}ms;
    client_max_body_size $GWB_MAX_BODY;
    # nginx bounds each header line by one large buffer (494 -> 431 below), not the section.
    client_header_buffer_size 1k;
    large_client_header_buffers 4 $GWB_MAX_HEADER;

    map \$http_x_request_id \$gwb_rid {
        ""      \$request_id;
        default \$http_x_request_id;
    }

    upstream user {
$GWB_USER_SERVERS
        keepalive 128;
        keepalive_timeout 4s;
        keepalive_requests 1000000;
    }
    upstream interact {
$GWB_INTERACT_SERVERS
        keepalive 128;
        keepalive_timeout 4s;
        keepalive_requests 1000000;
    }

    proxy_http_version 1.1;
    proxy_connect_timeout ${GWB_TIMEOUT_MS}ms;
    proxy_send_timeout ${GWB_TIMEOUT_MS}ms;
    proxy_read_timeout ${GWB_TIMEOUT_MS}ms;
    proxy_next_upstream off;
    proxy_request_buffering off;
    proxy_set_header Connection "";
    proxy_set_header Keep-Alive "";
    proxy_set_header TE "";
    proxy_set_header Upgrade "";
    proxy_set_header Trailer "";
    proxy_set_header Proxy-Authorization "";
    proxy_set_header Authorization "";
    proxy_set_header X-User-Id "";
    proxy_set_header X-Request-Id \$gwb_rid;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_hide_header X-Request-Id;

    server {
        listen $GWB_HOST:$GWB_PORT reuseport backlog=65535;
        default_type application/json;
        add_header X-Request-Id \$gwb_rid always;

        error_page 413 /__gwb_error/413;
        error_page 494 =431 /__gwb_error/431;
        error_page 502 /__gwb_error/502;
        error_page 504 /__gwb_error/504;

        location = /healthz {
            return 200 '{"status":"ok"}';
        }
        location ~ ^/api/user/[^/]+\$ {
            if (\$request_method !~ ^(GET|HEAD)\$) { return 404 '{"error":"not_found","message":"no such route"}'; }
            proxy_pass http://user;
        }
        location = /api/interact {
            if (\$request_method != POST) { return 404 '{"error":"not_found","message":"no such route"}'; }
            proxy_pass http://interact;
        }
        location = /__gwb_error/413 { internal; return 413 '{"error":"payload_too_large","message":"request body larger than GW_MAX_BODY_BYTES"}'; }
        location = /__gwb_error/431 { internal; return 431 '{"error":"header_too_large","message":"request header section too large"}'; }
        location = /__gwb_error/502 { internal; return 502 '{"error":"bad_gateway","message":"upstream unavailable"}'; }
        location = /__gwb_error/504 { internal; return 504 '{"error":"upstream_timeout","message":"no upstream response headers in time"}'; }
        location / {
            return 404 '{"error":"not_found","message":"no such route"}';
        }
    }
}
CONF
