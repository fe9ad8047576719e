"""All of this app's migrations up to 0002_abha_linking, squashed (issue #11). `replaces` lets a database that has
applied those go on without change; a new database applies this one."""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('abdm', '0001_initial'),
        ('abdm', '0002_abha_linking'),
    ]

    dependencies = [
        ('people', '0001_squashed_0004_encrypt_identifiers_guardians'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AbhaLinkConsent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('staff', 'Staff at a facility'), ('citizen', 'Citizen self-service'), ('review', 'Supervisor review')], max_length=10, verbose_name='channel')),
                ('text_version', models.CharField(max_length=40, verbose_name='consent text version')),
                ('language', models.CharField(max_length=10, verbose_name='language')),
                ('text_sha256', models.CharField(max_length=64, verbose_name='consent text SHA-256')),
                ('agreed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='agreed at')),
            ],
            options={
                'verbose_name': 'ABHA verification consent',
                'verbose_name_plural': 'ABHA verification consents',
            },
        ),
        migrations.CreateModel(
            name='AbhaLinkEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('LINKED', 'Linked'), ('UNLINKED', 'Unlinked'), ('QUEUED', 'Sent for review'), ('APPROVED', 'Approved'), ('REJECTED', 'Rejected'), ('REFUSED', 'Refused')], max_length=10, verbose_name='action')),
                ('abha_number', models.CharField(max_length=14, verbose_name='ABHA number')),
                ('abha_address', models.CharField(blank=True, max_length=64, verbose_name='ABHA address')),
                ('score', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='match score')),
                ('channel', models.CharField(choices=[('staff', 'Staff at a facility'), ('citizen', 'Citizen self-service'), ('review', 'Supervisor review')], max_length=10, verbose_name='channel')),
                ('purpose', models.CharField(blank=True, max_length=40, verbose_name='purpose')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                ('actor_role', models.CharField(max_length=20, verbose_name='role')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
            ],
            options={
                'verbose_name': 'ABHA link event',
                'verbose_name_plural': 'ABHA link events',
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='AbhaLinkRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('abha_number', models.CharField(max_length=14, verbose_name='ABHA number')),
                ('abha_address', models.CharField(blank=True, max_length=64, verbose_name='ABHA address')),
                ('profile_name', models.CharField(max_length=200, verbose_name='name on the ABHA')),
                ('profile_gender', models.CharField(blank=True, max_length=1, verbose_name='sex on the ABHA')),
                ('profile_year_of_birth', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='year of birth on the ABHA')),
                ('profile_mobile_masked', models.CharField(blank=True, max_length=16, verbose_name='mobile on the ABHA (masked)')),
                ('score', models.PositiveSmallIntegerField(verbose_name='match score')),
                ('breakdown', models.JSONField(default=list, verbose_name='score breakdown')),
                ('reason', models.CharField(choices=[('GREY_ZONE', 'Match score in the review range'), ('CONFLICT', 'Conflicts with an existing link')], max_length=10, verbose_name='reason')),
                ('conflict_code', models.CharField(blank=True, max_length=40, verbose_name='conflict')),
                ('channel', models.CharField(choices=[('staff', 'Staff at a facility'), ('citizen', 'Citizen self-service'), ('review', 'Supervisor review')], max_length=10, verbose_name='channel')),
                ('purpose', models.CharField(max_length=40, verbose_name='purpose')),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='requested at')),
                ('status', models.CharField(choices=[('PENDING', 'Pending'), ('APPROVED', 'Approved'), ('REJECTED', 'Rejected')], default='PENDING', max_length=8, verbose_name='status')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('decision_note', models.CharField(blank=True, max_length=300, verbose_name='decision note')),
            ],
            options={
                'verbose_name': 'ABHA link request',
                'verbose_name_plural': 'ABHA link requests',
                'ordering': ['requested_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='SimulatedAbhaAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('abha_number', models.CharField(help_text='14 digits, Luhn-valid.', max_length=14, unique=True, verbose_name='ABHA number')),
                ('abha_address', models.CharField(max_length=64, unique=True, verbose_name='ABHA address')),
                ('first_name', models.CharField(max_length=80, verbose_name='first name')),
                ('middle_name', models.CharField(blank=True, max_length=80, verbose_name='middle name')),
                ('last_name', models.CharField(blank=True, max_length=80, verbose_name='last name')),
                ('gender', models.CharField(choices=[('M', 'Male'), ('F', 'Female'), ('O', 'Other')], max_length=1, verbose_name='gender')),
                ('year_of_birth', models.PositiveSmallIntegerField(verbose_name='year of birth')),
                ('month_of_birth', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='month of birth')),
                ('day_of_birth', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='day of birth')),
                ('mobile', models.CharField(max_length=10, verbose_name='mobile')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                ('address', models.CharField(blank=True, max_length=200, verbose_name='address')),
                ('pincode', models.CharField(blank=True, max_length=6, verbose_name='PIN code')),
                ('district_name', models.CharField(blank=True, max_length=80, verbose_name='district')),
                ('state_name', models.CharField(default='HIMACHAL PRADESH', max_length=80, verbose_name='state')),
                ('status', models.CharField(default='ACTIVE', max_length=12, verbose_name='status')),
                ('kyc_verified', models.BooleanField(default=True, verbose_name='KYC verified')),
            ],
            options={
                'verbose_name': 'simulated ABHA account',
                'verbose_name_plural': 'simulated ABHA accounts',
            },
        ),
        migrations.CreateModel(
            name='SimulatedGatewayCall',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', models.CharField(max_length=200, verbose_name='path')),
                ('request_id', models.CharField(max_length=64, verbose_name='REQUEST-ID')),
                ('headers', models.JSONField(default=dict, verbose_name='headers')),
                ('body', models.JSONField(default=dict, verbose_name='body')),
                ('received_at', models.DateTimeField(auto_now_add=True, verbose_name='received at')),
            ],
            options={
                'verbose_name': 'simulated gateway call',
                'verbose_name_plural': 'simulated gateway calls',
                'ordering': ['-received_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='SimulatedOtpTransaction',
            fields=[
                ('txn_id', models.UUIDField(default=uuid.uuid4, primary_key=True, serialize=False, verbose_name='transaction id')),
                ('scope', models.JSONField(default=list, verbose_name='scope')),
                ('otp_system', models.CharField(max_length=10, verbose_name='OTP system')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('failed_attempts', models.PositiveSmallIntegerField(default=0, verbose_name='failed attempts')),
                ('verified_at', models.DateTimeField(blank=True, null=True, verbose_name='verified at')),
            ],
            options={
                'verbose_name': 'simulated OTP transaction',
                'verbose_name_plural': 'simulated OTP transactions',
            },
        ),
        migrations.CreateModel(
            name='SimulatedSession',
            fields=[
                ('jti', models.UUIDField(default=uuid.uuid4, primary_key=True, serialize=False, verbose_name='token id')),
                ('client_id', models.CharField(max_length=64, verbose_name='client id')),
                ('issued_at', models.DateTimeField(auto_now_add=True, verbose_name='issued at')),
                ('expires_at', models.DateTimeField(verbose_name='expires at')),
            ],
            options={
                'verbose_name': 'simulated gateway session',
                'verbose_name_plural': 'simulated gateway sessions',
            },
        ),
        migrations.CreateModel(
            name='SimulatorKeyPair',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(choices=[('signing', 'JWT signing'), ('encryption', 'Encryption')], max_length=12, unique=True, verbose_name='purpose')),
                ('kid', models.CharField(max_length=64, unique=True, verbose_name='key id')),
                ('private_key_pem', models.TextField(verbose_name='private key (PEM)')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'simulator key pair',
                'verbose_name_plural': 'simulator key pairs',
            },
        ),
        migrations.AddField(
            model_name='abhalinkconsent',
            name='given_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='abha_link_consents', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AddField(
            model_name='abhalinkconsent',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='abha_link_consents', to='people.person', verbose_name='person'),
        ),
        migrations.AddField(
            model_name='abhalinkevent',
            name='actor',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AddField(
            model_name='abhalinkevent',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='abha_link_events', to='people.person', verbose_name='person'),
        ),
        migrations.AddField(
            model_name='abhalinkrequest',
            name='consent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='abdm.abhalinkconsent', verbose_name='consent'),
        ),
        migrations.AddField(
            model_name='abhalinkrequest',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by'),
        ),
        migrations.AddField(
            model_name='abhalinkrequest',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='abha_link_requests', to='people.person', verbose_name='person'),
        ),
        migrations.AddField(
            model_name='abhalinkrequest',
            name='requested_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by'),
        ),
        migrations.AddField(
            model_name='abhalinkevent',
            name='request',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='abdm.abhalinkrequest', verbose_name='request'),
        ),
        migrations.AddConstraint(
            model_name='simulatedabhaaccount',
            constraint=models.CheckConstraint(condition=models.Q(('abha_number__regex', '^[0-9]{14}$')), name='sim_abha_14_digits'),
        ),
        migrations.AddConstraint(
            model_name='simulatedabhaaccount',
            constraint=models.CheckConstraint(condition=models.Q(('gender__in', ['M', 'F', 'O'])), name='sim_abha_gender'),
        ),
        migrations.AddConstraint(
            model_name='simulatedabhaaccount',
            constraint=models.CheckConstraint(condition=models.Q(('month_of_birth__isnull', True), ('month_of_birth__range', (1, 12)), _connector='OR'), name='sim_abha_month_range'),
        ),
        migrations.AddConstraint(
            model_name='simulatedabhaaccount',
            constraint=models.CheckConstraint(condition=models.Q(('day_of_birth__isnull', True), ('day_of_birth__range', (1, 31)), _connector='OR'), name='sim_abha_day_range'),
        ),
        migrations.AddField(
            model_name='simulatedotptransaction',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='abdm.simulatedabhaaccount', verbose_name='account'),
        ),
        migrations.AddConstraint(
            model_name='abhalinkconsent',
            constraint=models.CheckConstraint(condition=models.Q(('text_sha256__regex', '^[0-9a-f]{64}$')), name='abha_consent_sha256'),
        ),
        migrations.AddIndex(
            model_name='abhalinkrequest',
            index=models.Index(fields=['status', 'requested_at'], name='abha_link_request_queue'),
        ),
        migrations.AddConstraint(
            model_name='abhalinkrequest',
            constraint=models.CheckConstraint(condition=models.Q(('abha_number__regex', '^[0-9]{14}$')), name='abha_link_request_number'),
        ),
        migrations.AddConstraint(
            model_name='abhalinkrequest',
            constraint=models.CheckConstraint(condition=models.Q(('score__lte', 100)), name='abha_link_request_score'),
        ),
        migrations.AddConstraint(
            model_name='abhalinkrequest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('decided_at__isnull', True), ('decided_by__isnull', True), ('status', 'PENDING')), models.Q(models.Q(('status', 'PENDING'), _negated=True), ('decided_at__isnull', False), ('decided_by__isnull', False)), _connector='OR'), name='abha_link_request_decided'),
        ),
        migrations.AddConstraint(
            model_name='abhalinkrequest',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'PENDING')), fields=('person', 'abha_number'), name='abha_link_request_one_pending'),
        ),
        migrations.AddConstraint(
            model_name='abhalinkevent',
            constraint=models.CheckConstraint(condition=models.Q(('abha_number__regex', '^[0-9]{14}$')), name='abha_link_event_number'),
        ),
    ]
