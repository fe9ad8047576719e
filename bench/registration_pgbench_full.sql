-- Every statement one booking request issues (bench/registration_captured.sql, 17 statements and 3 commits:
-- session and user load, person, session, policy, closure, scope check; the booking transaction with the
-- token, appointment, UHID look-up, audit entry and SMS outbox row; the after-commit SMS claim / read / mark
-- sent; the session rewrite), replayed by pgbench: what PostgreSQL alone can do with our full request.
-- Same variables as registration_pgbench.sql, plus opd_min/opd_max (OPD session ids); the pgbench clients use
-- their own django_session rows 'regbench-pgb-<client>', and the audit entries go to regbench_audit, a copy
-- of audit_auditentry with all its indexes and checks (made by bench/registration.py): the real table is
-- append-only and its sealer must not chain pgbench's rows.
\set i :i + 1
\set seq :i * :nclients + :client_id
\set sd random(:sd_min, :sd_max)
\set opd random(:opd_min, :opd_max)
\set person :person_min + :seq % :person_count
\set day :seq / :person_count
SELECT session_key, session_data, expire_date FROM django_session WHERE expire_date > now() AND session_key = 'regbench-pgb-' || :client_id LIMIT 21;
SELECT id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined, role, mobile, facility_id, district_id, password_changed_at, current_session_key FROM accounts_user WHERE id = :clerk LIMIT 21;
SELECT p.*, d.*, s.* FROM people_person p JOIN places_district d ON p.district_id = d.id JOIN places_state s ON d.state_id = s.id WHERE p.id = :person ORDER BY p.id LIMIT 1;
SELECT o.*, f.* FROM facilities_opdsession o JOIN facilities_facility f ON o.facility_id = f.id JOIN facilities_department dp ON o.department_id = dp.id WHERE o.id = :opd ORDER BY f.name, dp.name, o.weekday, o.starts_at LIMIT 1;
SELECT id, facility_id, booking_window_days, cancellation_cutoff_minutes FROM facilities_opdpolicy WHERE facility_id = 1 ORDER BY id LIMIT 1;
SELECT reason FROM facilities_opdclosure WHERE date = DATE '2030-01-01' + :day AND facility_id = 1 AND (department_id IS NULL OR department_id = 1) ORDER BY department_id NULLS FIRST LIMIT 1;
SELECT 1 AS a FROM people_person WHERE id = :person AND id IN (SELECT U0.id FROM people_person U0 JOIN places_district U1 ON U0.district_id = U1.id JOIN facilities_facility U2 ON U1.id = U2.district_id WHERE U2.id = 1) LIMIT 1;
BEGIN;
UPDATE registration_sessionday SET online_booked = online_booked + 1, last_token = last_token + 1
  WHERE id = :sd AND online_booked < online_quota RETURNING id, last_token, facility_id, department_id \gset
INSERT INTO registration_appointment (number, session_day_id, facility_id, department_id, date, person_id,
    token_number, channel, status, fee_exemption, booked_by_id, booked_at, checked_in_at, called_at, completed_at,
    cancelled_at)
  VALUES ('PGB-' || :seq, :id, :facility_id, :department_id, DATE '2030-01-01' + :day, :person, :last_token,
    'online', 'booked', 'none', :clerk, now(), NULL, NULL, NULL, NULL) RETURNING id AS appointment \gset
SELECT value FROM people_personidentifier WHERE id_type = 'UHID' AND issuer = 'HimSwasthya' AND person_id = :person AND source = 'issued' ORDER BY id LIMIT 1;
INSERT INTO regbench_audit (seq, created_at, actor_id, actor_role, action, object_type, object_id, purpose,
    facility_id, district_id, ip, detail, prev_hash, entry_hash, sealed_at)
  VALUES (NULL, now(), :clerk, 'clerk', 'appointment.book', 'registration.Appointment', :appointment::text,
    'opd_registration', :facility_id, NULL, '127.0.0.1'::inet,
    jsonb_build_object('number', 'PGB-' || :seq, 'person', :person, 'channel', 'online'), '', '', NULL);
INSERT INTO registration_smsoutbox (template_key, variables, mobile, appointment_id, status, attempts,
    next_attempt_at, last_error, created_at, sent_at)
  VALUES ('appointment_booked', jsonb_build_object('number', 'PGB-' || :seq, 'token', :last_token), '9800000000',
    :appointment, 'pending', 0, now(), '', now(), NULL) RETURNING id AS sms \gset
COMMIT;
UPDATE registration_smsoutbox SET attempts = attempts + 1, next_attempt_at = now() + interval '1 hour' WHERE next_attempt_at <= now() AND id = :sms AND status = 'pending';
SELECT * FROM registration_smsoutbox WHERE id = :sms LIMIT 21;
UPDATE registration_smsoutbox SET status = 'sent', last_error = '', sent_at = now() WHERE id = :sms;
BEGIN;
UPDATE django_session SET session_data = repeat('x', 230), expire_date = now() + interval '12 hours' WHERE session_key = 'regbench-pgb-' || :client_id;
COMMIT;
