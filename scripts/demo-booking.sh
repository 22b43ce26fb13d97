#!/usr/bin/env bash
# Makes one demo booking against the running demo (npm start) and shows the MediRecords appointment.
set -euo pipefail
GRAPH=${GRAPH_SANDBOX_URL:-http://127.0.0.1:4011}
MR=${MEDIRECORDS_SANDBOX_URL:-http://127.0.0.1:4010}
start=$(date -u -d '+3 days 10:00' +%Y-%m-%dT%H:%M:00.0000000)
end=$(date -u -d '+3 days 10:45' +%Y-%m-%dT%H:%M:00.0000000)
# As Calendly writes a booking into the practitioner's calendar: its default title, the event type on the "Event Name:" line, the answers.
curl -sf -X POST "$GRAPH/__sandbox/calendly/bookings" -H 'content-type: application/json' \
  -d "{\"mailbox\":\"ramona@clinic.example\",\"eventType\":\"GAPS Coaching Follow-up\",\"invitee\":{\"name\":\"Ana Citizen\",\"email\":\"ana.citizen@example.com\"},\"start\":{\"dateTime\":\"$start\",\"timeZone\":\"UTC\"},\"end\":{\"dateTime\":\"$end\",\"timeZone\":\"UTC\"},\"answers\":[[\"Phone Number\",\"0400 111 222\"],[\"Date of Birth\",\"12/04/1988\"]]}" > /dev/null
echo "Booked in Ramona's Outlook calendar for $start (UTC). Waiting for MediRecords…"
for _ in $(seq 1 50); do
  state=$(curl -sf "$MR/__sandbox/state")
  if echo "$state" | grep -q '"appointments":\[{'; then
    echo "$state" | node -e 'const s=JSON.parse(require("fs").readFileSync(0,"utf8"));for(const a of s.appointments)console.log(`MediRecords appointment ${a.id}: ${a.scheduleTime} practice time, provider ${a.providerId}, type ${a.appointmentTypeId}, status ${a.appointmentStatus}, reminder ${a.reminderMethod}`);console.log(`${s.patients.length} patient(s) in MediRecords`)'
    exit 0
  fi
  sleep 0.2
done
echo "No appointment yet: open the Booking Processor executions in the n8n editor." >&2
exit 1
