"""All of this app's migrations up to 0006_move_smsoutbox_to_notify, squashed (issue #11). `replaces` lets a database that has
applied those go on without change; a new database applies this one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('registration', '0001_initial'),
        ('registration', '0002_smsoutbox'),
        ('registration', '0003_scan_share'),
        ('registration', '0004_smsoutbox_subject'),
        ('registration', '0005_smsoutbox_fill_subject'),
        ('registration', '0006_move_smsoutbox_to_notify'),
    ]

    dependencies = [
        ('facilities', '0001_squashed_0004_facility_ownership_alter_facility_facility_type'),
        ('people', '0001_squashed_0004_encrypt_identifiers_guardians'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Appointment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=32, unique=True, verbose_name='appointment number')),
                ('date', models.DateField(verbose_name='date')),
                ('token_number', models.PositiveIntegerField(verbose_name='token number')),
                ('channel', models.CharField(choices=[('online', 'Online'), ('walk_in', 'Walk-in at the counter'), ('scan_share', 'ABHA scan and share')], max_length=12, verbose_name='channel')),
                ('status', models.CharField(choices=[('booked', 'Booked'), ('checked_in', 'Checked in'), ('called', 'Called'), ('completed', 'Completed'), ('no_show', 'No-show'), ('cancelled', 'Cancelled')], default='booked', max_length=12, verbose_name='status')),
                ('fee_exemption', models.CharField(choices=[('none', 'None'), ('himcare', 'HIMCARE card holder'), ('ab_pmjay', 'AB-PMJAY card holder'), ('bpl', 'BPL family'), ('senior', 'Senior citizen'), ('child', 'Child'), ('other', 'Other (recorded reason)')], default='none', max_length=10, verbose_name='fee exemption')),
                ('booked_at', models.DateTimeField(auto_now_add=True, verbose_name='booked at')),
                ('checked_in_at', models.DateTimeField(blank=True, null=True, verbose_name='checked in at')),
                ('called_at', models.DateTimeField(blank=True, null=True, verbose_name='called at')),
                ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='completed at')),
                ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled at')),
                ('booked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='booked by')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='facilities.department', verbose_name='department')),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='facilities.facility', verbose_name='facility')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='people.person', verbose_name='patient')),
            ],
            options={
                'verbose_name': 'appointment',
                'verbose_name_plural': 'appointments',
                'ordering': ['date', 'token_number'],
            },
        ),
        migrations.CreateModel(
            name='ScanShareCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text="The counter-id in the QR; ABDM returns it to us as the share's context.", max_length=20, verbose_name='counter code')),
                ('name', models.CharField(max_length=100, verbose_name='counter name')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='facilities.department', verbose_name='department')),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scan_share_counters', to='facilities.facility', verbose_name='facility')),
            ],
            options={
                'verbose_name': 'scan-and-share counter',
                'verbose_name_plural': 'scan-and-share counters',
                'ordering': ['facility', 'code'],
            },
        ),
        migrations.CreateModel(
            name='ScanShareDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(verbose_name='date')),
                ('last_token', models.PositiveIntegerField(default=0, verbose_name='last token issued')),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='facilities.facility', verbose_name='facility')),
            ],
            options={
                'verbose_name': 'scan-and-share day',
                'verbose_name_plural': 'scan-and-share days',
            },
        ),
        migrations.CreateModel(
            name='ScanShareToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(verbose_name='date')),
                ('token_number', models.PositiveIntegerField(verbose_name='token number')),
                ('hip_id', models.CharField(max_length=30, verbose_name='HIP id')),
                ('context', models.CharField(blank=True, max_length=64, verbose_name='counter code')),
                ('abha_address', models.CharField(max_length=64, verbose_name='ABHA address')),
                ('abha_number', models.CharField(blank=True, max_length=14, verbose_name='ABHA number')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('gender', models.CharField(blank=True, max_length=1, verbose_name='sex')),
                ('year_of_birth', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='year of birth')),
                ('mobile', models.CharField(blank=True, max_length=10, verbose_name='mobile')),
                ('status', models.CharField(choices=[('waiting', 'Waiting at the counter'), ('registered', 'Registered'), ('cancelled', 'Cancelled')], default='waiting', max_length=12, verbose_name='status')),
                ('request_id', models.CharField(blank=True, max_length=64, verbose_name='REQUEST-ID of the first share')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('expires_at', models.DateTimeField(verbose_name='expires at')),
                ('appointment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registration.appointment', verbose_name='appointment')),
                ('counter', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tokens', to='registration.scansharecounter', verbose_name='counter')),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scan_share_tokens', to='facilities.facility', verbose_name='facility')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='scan_share_tokens', to='people.person', verbose_name='person')),
                ('registered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registered by')),
            ],
            options={
                'verbose_name': 'scan-and-share token',
                'verbose_name_plural': 'scan-and-share tokens',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='SessionDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(verbose_name='date')),
                ('starts_at', models.TimeField(verbose_name='starts at')),
                ('ends_at', models.TimeField(verbose_name='ends at')),
                ('online_quota', models.PositiveIntegerField(verbose_name='online quota')),
                ('walk_in_quota', models.PositiveIntegerField(verbose_name='walk-in quota')),
                ('online_booked', models.PositiveIntegerField(default=0, verbose_name='online booked')),
                ('walk_in_booked', models.PositiveIntegerField(default=0, verbose_name='walk-ins registered')),
                ('last_token', models.PositiveIntegerField(default=0, verbose_name='last token issued')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='facilities.department', verbose_name='department')),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='facilities.facility', verbose_name='facility')),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='days', to='facilities.opdsession', verbose_name='session')),
            ],
            options={
                'verbose_name': 'OPD session day',
                'verbose_name_plural': 'OPD session days',
                'ordering': ['date', 'starts_at'],
            },
        ),
        migrations.AddField(
            model_name='appointment',
            name='session_day',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='registration.sessionday', verbose_name='session day'),
        ),
        migrations.AddConstraint(
            model_name='scansharecounter',
            constraint=models.UniqueConstraint(fields=('facility', 'code'), name='scanshare_counter_unique_code'),
        ),
        migrations.AddConstraint(
            model_name='scansharecounter',
            constraint=models.CheckConstraint(condition=models.Q(('code__regex', '^[A-Za-z0-9_-]{1,20}$')), name='scanshare_counter_code_shape'),
        ),
        migrations.AddConstraint(
            model_name='scanshareday',
            constraint=models.UniqueConstraint(fields=('facility', 'date'), name='scanshare_day_unique'),
        ),
        migrations.AddIndex(
            model_name='scansharetoken',
            index=models.Index(fields=['facility', 'date', 'status'], name='scanshare_token_day_idx'),
        ),
        migrations.AddConstraint(
            model_name='scansharetoken',
            constraint=models.UniqueConstraint(fields=('facility', 'date', 'token_number'), name='scanshare_token_unique_number'),
        ),
        migrations.AddConstraint(
            model_name='scansharetoken',
            constraint=models.UniqueConstraint(fields=('facility', 'date', 'abha_address'), name='scanshare_token_one_per_abha_day'),
        ),
        migrations.AddConstraint(
            model_name='scansharetoken',
            constraint=models.CheckConstraint(condition=models.Q(('token_number__gte', 1)), name='scanshare_token_positive'),
        ),
        migrations.AddIndex(
            model_name='sessionday',
            index=models.Index(fields=['facility', 'department', 'date'], name='registratio_facilit_77a48e_idx'),
        ),
        migrations.AddConstraint(
            model_name='sessionday',
            constraint=models.UniqueConstraint(fields=('session', 'date'), name='session_day_unique'),
        ),
        migrations.AddConstraint(
            model_name='sessionday',
            constraint=models.CheckConstraint(condition=models.Q(('online_booked__lte', models.F('online_quota'))), name='session_day_online_quota'),
        ),
        migrations.AddConstraint(
            model_name='sessionday',
            constraint=models.CheckConstraint(condition=models.Q(('walk_in_booked__lte', models.F('walk_in_quota'))), name='session_day_walk_in_quota'),
        ),
        migrations.AddIndex(
            model_name='appointment',
            index=models.Index(fields=['session_day', 'status'], name='registratio_session_092e2a_idx'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=models.UniqueConstraint(fields=('session_day', 'token_number'), name='appointment_token_unique'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['booked', 'checked_in', 'called'])), fields=('person', 'department', 'date'), name='appointment_one_active_per_department_day'),
        ),
    ]
