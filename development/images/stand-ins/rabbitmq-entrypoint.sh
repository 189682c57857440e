#!/bin/sh
# The official image's start: the default user from the environment, reachable from other hosts.
set -eu
[ "${1:-}" = rabbitmq-server ] || exec "$@"
cat > /etc/rabbitmq/rabbitmq.conf <<CONF
default_user = ${RABBITMQ_DEFAULT_USER:-guest}
default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}
loopback_users = none
listeners.tcp.default = 5672
management.tcp.port = 15672
CONF
# A named volume arrives owned by root.
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
# The VM itself as PID 1, so SIGTERM reaches it (Debian's wrapper script would not pass it on).
exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups env HOME=/var/lib/rabbitmq \
  /usr/lib/rabbitmq/bin/rabbitmq-server
