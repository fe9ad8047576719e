"""All of this app's migrations up to 0004_facility_ownership_alter_facility_facility_type, squashed (issue #11). `replaces` lets a database that has
applied those go on without change; a new database applies this one."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('facilities', '0001_initial'),
        ('facilities', '0002_opd_configuration'),
        ('facilities', '0003_opd_session_has_capacity'),
        ('facilities', '0004_facility_ownership_alter_facility_facility_type'),
    ]

    dependencies = [
        ('places', '0001_squashed_0002_source_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='Department',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150, verbose_name='name')),
                ('name_hi', models.CharField(blank=True, max_length=150, verbose_name='name (Hindi)')),
                ('name_hi_machine', models.BooleanField(default=False, help_text='Untick after a person has checked or corrected the Hindi name.', verbose_name='Hindi name is machine transliterated')),
                ('code', models.SlugField(max_length=30, unique=True, verbose_name='code')),
            ],
            options={
                'verbose_name': 'department',
                'verbose_name_plural': 'departments',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Facility',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('name', models.CharField(max_length=150, verbose_name='name')),
                ('name_hi', models.CharField(blank=True, max_length=150, verbose_name='name (Hindi)')),
                ('name_hi_machine', models.BooleanField(default=False, help_text='Untick after a person has checked or corrected the Hindi name.', verbose_name='Hindi name is machine transliterated')),
                ('code', models.CharField(help_text='State facility code.', max_length=20, unique=True, verbose_name='facility code')),
                ('facility_type', models.CharField(choices=[('MC', 'Medical college'), ('ZH', 'Zonal hospital'), ('RH', 'Regional hospital'), ('CH', 'Civil hospital'), ('CHC', 'Community health centre'), ('PHC', 'Primary health centre'), ('SC', 'Sub-centre / Ayushman Arogya Mandir'), ('HOSP', 'Other empanelled hospital')], max_length=4, verbose_name='type')),
                ('ownership', models.CharField(choices=[('GOVT', 'Government'), ('PVT', 'Private')], db_default='GOVT', default='GOVT', max_length=4, verbose_name='ownership')),
                ('nin', models.CharField(blank=True, help_text='National Identification Number', max_length=20, verbose_name='NIN')),
                ('hfr_id', models.CharField(blank=True, help_text='ABDM Health Facility Registry id', max_length=30, verbose_name='HFR id')),
                ('address', models.CharField(blank=True, max_length=300, verbose_name='address')),
                ('pincode', models.CharField(blank=True, max_length=6, verbose_name='PIN code')),
                ('phone', models.CharField(blank=True, max_length=20, verbose_name='phone')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('is_synthetic', models.BooleanField(default=False, help_text='Generated for demonstration; not a real facility record.', verbose_name='synthetic')),
                ('block', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='facilities', to='places.block', verbose_name='block')),
                ('departments', models.ManyToManyField(blank=True, related_name='facilities', to='facilities.department', verbose_name='departments')),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='facilities', to='places.district', verbose_name='district')),
                ('gram_panchayat', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='facilities', to='places.grampanchayat', verbose_name='gram panchayat')),
                ('urban_local_body', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='facilities', to='places.urbanlocalbody', verbose_name='urban local body')),
            ],
            options={
                'verbose_name': 'health facility',
                'verbose_name_plural': 'health facilities',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='OpdClosure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(verbose_name='date')),
                ('reason', models.CharField(max_length=200, verbose_name='reason')),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='facilities.department', verbose_name='department')),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='opd_closures', to='facilities.facility', verbose_name='facility')),
            ],
            options={
                'verbose_name': 'OPD closure',
                'verbose_name_plural': 'OPD closures',
                'ordering': ['date'],
            },
        ),
        migrations.CreateModel(
            name='OpdPolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('booking_window_days', models.PositiveSmallIntegerField(default=7, verbose_name='booking opens this many days ahead')),
                ('cancellation_cutoff_minutes', models.PositiveIntegerField(default=120, verbose_name='cancellation closes this many minutes before the session')),
                ('facility', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='opd_policy', to='facilities.facility', verbose_name='facility')),
            ],
            options={
                'verbose_name': 'OPD policy',
                'verbose_name_plural': 'OPD policies',
            },
        ),
        migrations.CreateModel(
            name='OpdSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')], verbose_name='weekday')),
                ('kind', models.CharField(choices=[('morning', 'Morning'), ('evening', 'Evening')], default='morning', max_length=10, verbose_name='session')),
                ('starts_at', models.TimeField(verbose_name='starts at')),
                ('ends_at', models.TimeField(verbose_name='ends at')),
                ('online_quota', models.PositiveIntegerField(verbose_name='online quota')),
                ('walk_in_quota', models.PositiveIntegerField(verbose_name='walk-in quota')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opd_sessions', to='facilities.department', verbose_name='department')),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='opd_sessions', to='facilities.facility', verbose_name='facility')),
            ],
            options={
                'verbose_name': 'OPD session',
                'verbose_name_plural': 'OPD sessions',
                'ordering': ['facility', 'department', 'weekday', 'starts_at'],
            },
        ),
        migrations.AddIndex(
            model_name='facility',
            index=models.Index(fields=['district', 'facility_type'], name='facilities__distric_497d52_idx'),
        ),
        migrations.AddConstraint(
            model_name='opdclosure',
            constraint=models.UniqueConstraint(condition=models.Q(('department__isnull', False)), fields=('facility', 'department', 'date'), name='opd_closure_unique_department_day'),
        ),
        migrations.AddConstraint(
            model_name='opdclosure',
            constraint=models.UniqueConstraint(condition=models.Q(('department__isnull', True)), fields=('facility', 'date'), name='opd_closure_unique_day'),
        ),
        migrations.AddConstraint(
            model_name='opdpolicy',
            constraint=models.CheckConstraint(condition=models.Q(('booking_window_days__gte', 1), ('booking_window_days__lte', 90)), name='opd_policy_window_1_to_90_days'),
        ),
        migrations.AddConstraint(
            model_name='opdsession',
            constraint=models.UniqueConstraint(fields=('facility', 'department', 'weekday', 'kind'), name='opd_session_unique_per_weekday'),
        ),
        migrations.AddConstraint(
            model_name='opdsession',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='opd_session_ends_after_start'),
        ),
        migrations.AddConstraint(
            model_name='opdsession',
            constraint=models.CheckConstraint(condition=models.Q(('online_quota__gt', 0), ('walk_in_quota__gt', 0), _connector='OR'), name='opd_session_has_capacity'),
        ),
    ]
