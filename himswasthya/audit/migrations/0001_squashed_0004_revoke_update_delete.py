"""All of this app's migrations up to 0004_revoke_update_delete, squashed (issue #11). `replaces` lets a database that has
applied those go on without change; a new database applies this one."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from himswasthya.audit import db_guards


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('audit', '0001_initial'),
        ('audit', '0002_append_only_trigger'),
        ('audit', '0003_keyed_chain_and_checkpoints'),
        ('audit', '0004_revoke_update_delete'),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ChainHead',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('last_seq', models.PositiveBigIntegerField(default=0, verbose_name='last sequence')),
                ('last_hash', models.CharField(blank=True, max_length=64, verbose_name='last hash')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated at')),
                ('checkpoint_n', models.PositiveBigIntegerField(db_default=0, default=0, verbose_name='checkpoints written')),
                ('checkpoint_mac', models.CharField(blank=True, db_default='', default='', max_length=64, verbose_name='latest checkpoint signature')),
            ],
            options={
                'verbose_name': 'audit chain head',
                'verbose_name_plural': 'audit chain head',
                'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='audit_single_chain_head')],
            },
        ),
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('seq', models.PositiveBigIntegerField(blank=True, null=True, unique=True, verbose_name='sequence')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                ('actor_role', models.CharField(blank=True, max_length=30, verbose_name='actor role')),
                ('action', models.CharField(db_index=True, max_length=64, verbose_name='action')),
                ('object_type', models.CharField(blank=True, max_length=64, verbose_name='object type')),
                ('object_id', models.CharField(blank=True, max_length=64, verbose_name='object id')),
                ('purpose', models.CharField(blank=True, max_length=100, verbose_name='purpose')),
                ('facility_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='facility id')),
                ('district_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='district id')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                ('detail', models.JSONField(blank=True, default=dict, verbose_name='detail')),
                ('prev_hash', models.CharField(blank=True, max_length=64, verbose_name='previous hash')),
                ('entry_hash', models.CharField(blank=True, max_length=64, verbose_name='entry hash')),
                ('sealed_at', models.DateTimeField(blank=True, null=True, verbose_name='sealed at')),
                ('key_id', models.CharField(blank=True, db_default='', default='', max_length=16, verbose_name='key id')),
                ('actor', models.ForeignKey(blank=True, help_text='Empty for the system or an anonymous visitor.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
            ],
            options={
                'verbose_name': 'audit entry',
                'verbose_name_plural': 'audit entries',
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['district_id', 'created_at'], name='audit_district_time'), models.Index(fields=['object_type', 'object_id'], name='audit_object'), models.Index(fields=['actor', 'created_at'], name='audit_actor_time'), models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_unsealed')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('entry_hash', ''), ('sealed_at__isnull', True), ('seq__isnull', True)), models.Q(('entry_hash__regex', '^[0-9a-f]{64}$'), ('sealed_at__isnull', False), ('seq__isnull', False)), _connector='OR'), name='audit_sealed_fully_or_not_at_all')],
            },
        ),
        # PostgreSQL only (audit/db_guards.py). Not reversed: giving the privileges back would reopen the hole.
        migrations.RunPython(db_guards.create_trigger, db_guards.drop_trigger, elidable=False),
        migrations.RunPython(db_guards.add_keyed_constraint, db_guards.drop_keyed_constraint, elidable=False),
        migrations.RunPython(db_guards.lock_down, migrations.RunPython.noop, elidable=False),
    ]
