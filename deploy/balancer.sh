#!/bin/sh
# The balancer's start (deploy/compose.yaml runs it in the nginx image): nginx looks up app1..app3 per
# request (nginx.conf), so it needs the address of the container's DNS server, which only the container
# knows: the first nameserver of its /etc/resolv.conf (Docker's 127.0.0.11, podman's network gateway).
set -eu
dns=$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf)
[ -n "$dns" ] || { echo "balancer: no nameserver in /etc/resolv.conf" >&2; exit 1; }
case $dns in *:*) dns="[$dns]" ;; esac  # an IPv6 address is written in brackets
echo "resolver $dns valid=2s ipv6=off;" > /etc/nginx/resolver.conf
echo "balancer: copies looked up through $dns"
# -p: the official image's prefix, /etc/nginx/ (Debian's nginx, in a stand-in image, has another)
exec nginx -p /etc/nginx/ -g 'daemon off;'
