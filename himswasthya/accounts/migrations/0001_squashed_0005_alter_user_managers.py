"""All of this app's migrations up to 0005_alter_user_managers, squashed (issue #11). `replaces` lets a database that has
applied those go on without change; a new database applies this one."""

import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
import himswasthya.accounts.models
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('accounts', '0001_initial'),
        ('accounts', '0002_otpchallenge'),
        ('accounts', '0003_current_session_key'),
        ('accounts', '0004_alter_user_role'),
        ('accounts', '0005_alter_user_managers'),
    ]

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('facilities', '0001_squashed_0004_facility_ownership_alter_facility_facility_type'),
        ('places', '0001_squashed_0002_source_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='OtpChallenge',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('mobile', models.CharField(max_length=10, verbose_name='mobile')),
                ('purpose', models.CharField(choices=[('login', 'Login')], default='login', max_length=20, verbose_name='purpose')),
                ('code_hash', models.CharField(max_length=128, verbose_name='code hash')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('expires_at', models.DateTimeField(verbose_name='expires at')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('used_at', models.DateTimeField(blank=True, null=True, verbose_name='used at')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
            ],
            options={
                'verbose_name': 'OTP challenge',
                'verbose_name_plural': 'OTP challenges',
                'indexes': [models.Index(fields=['mobile', 'purpose', '-created_at'], name='accounts_ot_mobile_93fbf4_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='otp_expires_after_creation')],
            },
        ),
        migrations.CreateModel(
            name='User',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password')),
                ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                ('username', models.CharField(error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, unique=True, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                ('role', models.CharField(choices=[('citizen', 'Citizen'), ('clerk', 'Registration clerk'), ('doctor', 'Doctor'), ('facility_admin', 'Facility administrator'), ('scheme_desk', 'Hospital scheme desk'), ('himcare_officer', 'HIMCARE officer'), ('grievance_officer', 'Grievance officer'), ('district_officer', 'District health officer'), ('state_admin', 'State administrator')], default='citizen', max_length=20, verbose_name='role')),
                ('mobile', models.CharField(blank=True, max_length=10, null=True, unique=True, verbose_name='mobile')),
                ('password_changed_at', models.DateTimeField(blank=True, null=True, verbose_name='password changed at')),
                ('current_session_key', models.CharField(blank=True, editable=False, max_length=40, verbose_name='current session')),
                ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='staff', to='places.district', verbose_name='district')),
                ('facility', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='staff', to='facilities.facility', verbose_name='facility')),
                ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
            ],
            options={
                'verbose_name': 'user',
                'verbose_name_plural': 'users',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('role__in', ['clerk', 'doctor', 'facility_admin']), _negated=True), ('facility__isnull', False), _connector='OR'), name='facility_staff_have_facility'), models.CheckConstraint(condition=models.Q(models.Q(('role', 'district_officer'), _negated=True), ('district__isnull', False), _connector='OR'), name='district_officer_has_district')],
            },
            managers=[
                ('objects', himswasthya.accounts.models.StaffAwareUserManager()),
            ],
        ),
    ]
