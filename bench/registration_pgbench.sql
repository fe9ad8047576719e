-- The limit for bench/registration.py: the SQL a booking cannot do without, at the database's own speed.
-- As registration/services.py books (_take_token, _insert_appointment): one conditional UPDATE counts the
-- booking and takes the next token (locking the session-day row until commit), then the appointment is
-- inserted - one transaction, same tables, indexes and constraints as the app. Variables come from
-- bench/registration.py (-D): i (per-client counter, starts at 0), nclients, sd_min/sd_max (the opened session
-- days), person_min, person_count, clerk. seq is unique over all clients, so (person, date) never repeats: the
-- partial unique index "one active appointment per person, department and day" is checked, never violated.
\set i :i + 1
\set seq :i * :nclients + :client_id
\set sd random(:sd_min, :sd_max)
\set person :person_min + :seq % :person_count
\set day :seq / :person_count
BEGIN;
UPDATE registration_sessionday SET online_booked = online_booked + 1, last_token = last_token + 1
  WHERE id = :sd AND online_booked < online_quota RETURNING id, last_token, facility_id, department_id \gset
INSERT INTO registration_appointment (number, session_day_id, facility_id, department_id, date, person_id,
    token_number, channel, status, fee_exemption, booked_by_id, booked_at)
  VALUES ('PGB-' || :seq, :id, :facility_id, :department_id, DATE '2030-01-01' + :day, :person, :last_token,
    'online', 'booked', 'none', :clerk, now());
COMMIT;
