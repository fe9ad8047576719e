"""The SMS outbox, moved here from registration (issue #11). State only: the table notify_smsoutbox already
exists with its rows (registration.0006_move_smsoutbox_to_notify renamed it and runs before this)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SmsOutbox",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("template_key", models.CharField(max_length=40, verbose_name="template")),
                        ("variables", models.JSONField(default=dict, verbose_name="variables")),
                        ("mobile", models.CharField(max_length=10, verbose_name="mobile")),
                        (
                            "subject_type",
                            models.CharField(blank=True, default="", max_length=60, verbose_name="about"),
                        ),
                        (
                            "subject_id",
                            models.PositiveBigIntegerField(blank=True, null=True, verbose_name="about id"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed")],
                                default="pending",
                                max_length=8,
                                verbose_name="status",
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("next_attempt_at", models.DateTimeField(verbose_name="next attempt at")),
                        ("last_error", models.CharField(blank=True, max_length=200, verbose_name="last error")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                    ],
                    options={
                        "verbose_name": "SMS to send",
                        "verbose_name_plural": "SMS outbox",
                        "ordering": ["id"],
                        "indexes": [
                            models.Index(fields=["status", "next_attempt_at"], name="sms_outbox_due_idx"),
                            models.Index(fields=["subject_type", "subject_id"], name="sms_outbox_subject_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
