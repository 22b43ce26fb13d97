#!/bin/sh
# Nightly dump of n8n's database (workflows, credentials encrypted with N8N_ENCRYPTION_KEY, and
# failed executions, which hold patient details), kept BACKUP_KEEP_DAYS days.
# Runs in the `backup` service (postgres image, so pg_dump matches the server); the end-to-end
# tests run it once against the machine's PostgreSQL (BACKUP_ONCE=1).
# Restore: pg_restore --clean --if-exists -d "$PGDATABASE" /backups/n8n-YYYYmmdd-HHMMSS.dump
set -eu
: "${PGHOST:?}" "${PGUSER:?}" "${PGDATABASE:?}" "${BACKUP_DIR:=/backups}" "${BACKUP_KEEP_DAYS:=14}" "${BACKUP_AT:=02:30}"
umask 077 # dumps hold patient data: readable by this user only

dump() {
  name="n8n-$(date +%Y%m%d-%H%M%S).dump"
  pg_dump --format=custom --no-owner --file "$BACKUP_DIR/$name.partial" && mv "$BACKUP_DIR/$name.partial" "$BACKUP_DIR/$name"
  echo "backup: wrote $name"
  find "$BACKUP_DIR" -maxdepth 1 -name 'n8n-*.dump' -mtime +"$BACKUP_KEEP_DAYS" -print -delete | sed 's/^/backup: removed /'
  find "$BACKUP_DIR" -maxdepth 1 -name 'n8n-*.dump.partial' -mmin +60 -delete
}

mkdir -p "$BACKUP_DIR"
if [ "${BACKUP_ONCE:-}" = 1 ]; then dump; exit 0; fi
# One at start, so a new install (or a restarted one) has a dump before its first night.
dump || echo "backup: FAILED at start" >&2
while :; do
  now=$(date +%s)
  next=$(date -d "$(date +%Y-%m-%d) $BACKUP_AT" +%s 2>/dev/null || date -D '%Y-%m-%d %H:%M' -d "$(date +%Y-%m-%d) $BACKUP_AT" +%s)
  [ "$next" -le "$now" ] && next=$((next + 86400))
  sleep $((next - now))
  dump || echo "backup: FAILED (the next attempt is tomorrow at $BACKUP_AT)" >&2
done
