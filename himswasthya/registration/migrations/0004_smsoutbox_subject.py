"""The SMS outbox moves to the `notify` app (issue #11), step 1 of 3: a neutral reference to what a message is
about (subject_type, subject_id) beside the foreign key to the appointment."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("registration", "0003_scan_share"),
    ]

    operations = [
        migrations.AddField(
            model_name="smsoutbox",
            name="subject_type",
            field=models.CharField(blank=True, default="", max_length=60, verbose_name="about"),
        ),
        migrations.AddField(
            model_name="smsoutbox",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="about id"),
        ),
    ]
