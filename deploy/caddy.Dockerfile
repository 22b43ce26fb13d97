# Caddy with per-client rate limiting (github.com/mholt/caddy-ratelimit), which standard Caddy
# does not have. Everything else in deploy/Caddyfile is standard Caddy.
FROM caddy:2.8.4-builder-alpine AS build
# pinned: the plugin has no release tags; this commit builds against Caddy 2.7.5 and later
RUN xcaddy build v2.8.4 --with github.com/mholt/caddy-ratelimit@01409b58657d5cf84a6be8d1147d889b124cb243

FROM caddy:2.8.4-alpine
COPY --from=build /usr/bin/caddy /usr/bin/caddy
