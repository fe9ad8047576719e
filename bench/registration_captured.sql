-- one POST /api/registration/appointments/ (HTTP 201) in steady state, 3 statements (0 COMMIT), captured by bench/registration.py
SELECT "accounts_user"."id", "accounts_user"."password", "accounts_user"."last_login", "accounts_user"."is_superuser", "accounts_user"."username", "accounts_user"."first_name", "accounts_user"."last_name", "accounts_user"."email", "accounts_user"."is_staff", "accounts_user"."is_active", "accounts_user"."date_joined", "accounts_user"."role", "accounts_user"."mobile", "accounts_user"."facility_id", "accounts_user"."district_id", "accounts_user"."password_changed_at", "accounts_user"."current_session_key" FROM "accounts_user" WHERE "accounts_user"."id" = 200 LIMIT 21;
SELECT "people_person"."id", "people_person"."given_name", "people_person"."family_name", "people_person"."name_roman", "people_person"."name_deva", "people_person"."sex", "people_person"."date_of_birth", "people_person"."year_of_birth", "people_person"."mobile", "people_person"."gram_panchayat_id", "people_person"."district_id", "people_person"."is_synthetic", "people_person"."created_at", "people_person"."name_roman_machine", "people_person"."name_deva_machine", "people_person"."name_key", "people_person"."name_deva_key", "people_person"."name_blocks", "people_person"."merged_into_id" FROM "people_person" WHERE "people_person"."id" = 12660 ORDER BY "people_person"."id" ASC LIMIT 1;
WITH uhid AS (
    SELECT "value" FROM "people_personidentifier" WHERE "person_id" = 12660 AND "id_type" = 'UHID'
       AND "issuer" = 'HimSwasthya' AND "source" = 'issued' ORDER BY "id" LIMIT 1
), day AS (
    UPDATE "registration_sessionday" AS sd SET "online_booked" = sd."online_booked" + 1,
           "last_token" = sd."last_token" + 1
     WHERE sd."session_id" = 37 AND sd."date" = '2026-11-27'::date
       AND sd."online_booked" < sd."online_quota"
       AND EXISTS (SELECT 1 FROM uhid)
       AND EXISTS (
           SELECT 1 FROM "facilities_opdsession" s WHERE s."id" = sd."session_id" AND s."is_active")
       AND NOT EXISTS (
           SELECT 1 FROM "facilities_opdclosure" c
            WHERE c."facility_id" = sd."facility_id" AND c."date" = sd."date"
              AND (c."department_id" IS NULL OR c."department_id" = sd."department_id"))
    RETURNING sd."id" AS id, sd."last_token" AS last_token, sd."date" AS date
), appt AS (INSERT INTO "registration_appointment" ("number", "session_day_id", "facility_id", "department_id", "date", "person_id", "token_number", "channel", "status", "fee_exemption", "booked_by_id", "booked_at", "checked_in_at", "called_at", "completed_at", "cancelled_at") SELECT 'OPD' || to_char(day.date, 'YYMMDD') || '-' || day.id || '-' || day.last_token, day.id, 1, 3, '2026-11-27'::date, 12660, day.last_token, 'online', 'booked', 'none', 200, '2026-11-25 22:47:43.326776+00:00'::timestamptz, NULL, NULL, NULL, NULL FROM day RETURNING id, number, token_number, session_day_id
), audit AS (INSERT INTO "audit_auditentry" ("seq", "created_at", "actor_id", "actor_role", "action", "object_type", "object_id", "purpose", "facility_id", "district_id", "ip", "detail", "prev_hash", "entry_hash", "sealed_at") SELECT NULL, '2026-11-25 22:47:43.326647+00:00'::timestamptz, 200, 'clerk', 'appointment.book', 'registration.Appointment', appt.id::text, 'opd_registration', 1, 9, '127.0.0.1'::inet, jsonb_build_object('number', appt.number) || '{"person": 12660, "channel": "online"}'::jsonb, '', '', NULL FROM appt RETURNING id
), sms AS (INSERT INTO "registration_smsoutbox" ("template_key", "variables", "mobile", "appointment_id", "status", "attempts", "next_attempt_at", "last_error", "created_at", "sent_at") SELECT 'appointment_booked', jsonb_build_object('number', appt.number, 'token', appt.token_number), '8673003750', appt.id, 'pending', 0, '2026-11-25 22:47:43.326685+00:00'::timestamptz, '', '2026-11-25 22:47:43.326864+00:00'::timestamptz, NULL FROM appt RETURNING id)
SELECT appt.id, appt.session_day_id, appt.token_number, appt.number, (SELECT "value" FROM uhid),
       (SELECT id FROM sms)
  FROM appt;
