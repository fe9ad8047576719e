"""The SMS outbox moves to the `notify` app (issue #11), step 2 of 3: the reference filled from the foreign key
(and back). Alone in its migration, so PostgreSQL checks the foreign key before the next ALTER TABLE."""

from django.db import migrations
from django.db.models import F

APPOINTMENT = "registration.appointment"


def fill_subject(apps, schema_editor):
    SmsOutbox = apps.get_model("registration", "SmsOutbox")
    SmsOutbox.objects.filter(appointment__isnull=False).update(
        subject_type=APPOINTMENT, subject_id=F("appointment_id")
    )


def fill_appointment(apps, schema_editor):
    SmsOutbox = apps.get_model("registration", "SmsOutbox")
    Appointment = apps.get_model("registration", "Appointment")
    SmsOutbox.objects.filter(
        subject_type=APPOINTMENT, subject_id__in=Appointment.objects.values("pk")
    ).update(appointment_id=F("subject_id"))


class Migration(migrations.Migration):

    dependencies = [
        ("registration", "0004_smsoutbox_subject"),
    ]

    operations = [
        migrations.RunPython(fill_subject, fill_appointment),
    ]
