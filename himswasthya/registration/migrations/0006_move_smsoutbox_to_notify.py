"""The SMS outbox moves to the `notify` app (issue #11), step 3 of 3, keeping its rows: the table is renamed to
notify_smsoutbox and the model leaves registration's state; notify.0001_initial takes it into notify's state
without touching the database. `run_before` keeps the order (this, then notify) without notify's migrations
naming registration: the dependency points down."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("registration", "0005_smsoutbox_fill_subject"),
    ]
    run_before = [
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="smsoutbox", name="appointment"),
        migrations.AddIndex(
            model_name="smsoutbox",
            index=models.Index(fields=["subject_type", "subject_id"], name="sms_outbox_subject_idx"),
        ),
        migrations.AlterModelTable(name="smsoutbox", table="notify_smsoutbox"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SmsOutbox")],
            database_operations=[],
        ),
    ]
