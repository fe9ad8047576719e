"""All of this app's migrations up to 0003_coverage_indexes, squashed (issue #11). `replaces` lets a database that has
applied those go on without change; a new database applies this one."""

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

from himswasthya.himcare.coverage import db_indexes


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('himcare', '0001_initial'),
        ('himcare', '0002_enrolment_one_active_one_pending'),
        ('himcare', '0003_coverage_indexes'),
    ]

    dependencies = [
        ('codelists', '0001_initial'),
        ('facilities', '0001_squashed_0004_facility_ownership_alter_facility_facility_type'),
        ('himparivar', '0001_squashed_0004_member_disability_percent_and_more'),
        ('people', '0001_squashed_0004_encrypt_identifiers_guardians'),
        ('places', '0001_squashed_0002_source_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Package',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text='Package and procedure code.', max_length=16, unique=True, verbose_name='code')),
                ('package_code', models.CharField(max_length=12, verbose_name='package code')),
                ('procedure_code', models.CharField(blank=True, max_length=16, verbose_name='procedure code')),
                ('name', models.CharField(max_length=300, verbose_name='name')),
                ('rate_paise', models.BigIntegerField(verbose_name='rate (paise)')),
                ('kind', models.CharField(choices=[('medical', 'Medical management'), ('surgical', 'Surgical'), ('daycare', 'Day care')], max_length=8, verbose_name='kind')),
                ('needs_preauth', models.BooleanField(default=True, verbose_name='needs pre-authorisation')),
                ('min_stay_days', models.PositiveSmallIntegerField(default=0, verbose_name='minimum stay (days)')),
                ('is_one_time', models.BooleanField(default=False, verbose_name='once in a lifetime')),
                ('is_illustrative', models.BooleanField(default=False, help_text='Demo data: not the national package master.', verbose_name='illustrative (not official rates)')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
            ],
            options={
                'verbose_name': 'package',
                'verbose_name_plural': 'packages',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='Specialty',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=8, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('name_hi', models.CharField(blank=True, max_length=120, verbose_name='name in Hindi')),
            ],
            options={
                'verbose_name': 'specialty',
                'verbose_name_plural': 'specialties',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='Case',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('case_no', models.CharField(max_length=24, unique=True, verbose_name='case number')),
                ('status', models.CharField(choices=[('preauth_pending', 'Pre-authorisation pending'), ('preauth_query', 'Pre-authorisation queried'), ('preauth_approved', 'Pre-authorisation approved'), ('preauth_rejected', 'Pre-authorisation rejected'), ('cancelled', 'Cancelled'), ('admitted', 'Admitted'), ('discharged', 'Discharged'), ('claim_submitted', 'Claim submitted'), ('claim_query', 'Claim queried'), ('claim_approved', 'Claim approved'), ('claim_part_approved', 'Claim approved in part'), ('claim_rejected', 'Claim rejected')], default='preauth_pending', max_length=20, verbose_name='status')),
                ('is_emergency', models.BooleanField(default=False, verbose_name='emergency')),
                ('estimated_paise', models.BigIntegerField(verbose_name='estimated amount (paise)')),
                ('blocked_paise', models.BigIntegerField(default=0, verbose_name='blocked in the wallet (paise)')),
                ('approved_preauth_paise', models.BigIntegerField(blank=True, null=True, verbose_name='pre-authorised amount (paise)')),
                ('raised_at', models.DateTimeField(auto_now_add=True, verbose_name='raised at')),
                ('decision_due_at', models.DateTimeField(blank=True, null=True, verbose_name='decision due by')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('decision_note', models.CharField(blank=True, max_length=500, verbose_name='decision note')),
                ('query_text', models.CharField(blank=True, max_length=500, verbose_name='query')),
                ('escalation_level', models.PositiveSmallIntegerField(default=0, verbose_name='escalation level')),
                ('escalated_at', models.DateTimeField(blank=True, null=True, verbose_name='escalated at')),
                ('treating_doctor', models.CharField(blank=True, max_length=120, verbose_name='treating doctor')),
                ('admitted_at', models.DateTimeField(blank=True, null=True, verbose_name='admitted at')),
                ('discharged_at', models.DateTimeField(blank=True, null=True, verbose_name='discharged at')),
                ('discharge_summary', models.TextField(blank=True, verbose_name='discharge summary')),
                ('encounter_ref', models.CharField(blank=True, max_length=64, verbose_name='health record encounter')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='himcare_cases', to='facilities.facility', verbose_name='hospital')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='himcare_cases', to='people.person', verbose_name='patient')),
                ('raised_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='raised by')),
            ],
            options={
                'verbose_name': 'HIMCARE case',
                'verbose_name_plural': 'HIMCARE cases',
                'ordering': ['-raised_at'],
            },
        ),
        migrations.CreateModel(
            name='CaseEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='from')),
                ('to_status', models.CharField(max_length=20, verbose_name='to')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='note')),
                ('at', models.DateTimeField(auto_now_add=True, verbose_name='at')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='himcare.case', verbose_name='case')),
            ],
            options={
                'verbose_name': 'case event',
                'verbose_name_plural': 'case events',
                'ordering': ['case', 'at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='EnrolledMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit_no', models.PositiveSmallIntegerField(default=1, verbose_name='unit')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='himcare_coverages', to='himparivar.member', verbose_name='family member')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='himcare_coverages', to='people.person', verbose_name='person')),
            ],
            options={
                'verbose_name': 'enrolled member',
                'verbose_name_plural': 'enrolled members',
                'ordering': ['enrolment', 'unit_no', 'id'],
            },
        ),
        migrations.AddField(
            model_name='case',
            name='enrolled_member',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='himcare.enrolledmember', verbose_name='patient (enrolled member)'),
        ),
        migrations.CreateModel(
            name='Enrolment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('enrolment_no', models.CharField(max_length=24, unique=True, verbose_name='application number')),
                ('card_number', models.CharField(blank=True, max_length=24, null=True, unique=True, verbose_name='card number')),
                ('category', models.CharField(choices=[('I', 'Category I'), ('II', 'Category II'), ('III', 'Category III')], max_length=3, verbose_name='category')),
                ('category_source', models.CharField(choices=[('rules', 'Decided by the rules'), ('override', 'Set by an officer (documents recorded)')], default='rules', max_length=8, verbose_name='category decided by')),
                ('override_reason', models.CharField(blank=True, max_length=300, verbose_name='reason for the override')),
                ('premium_paise', models.BigIntegerField(verbose_name='premium (paise)')),
                ('units', models.PositiveSmallIntegerField(default=1, verbose_name='units')),
                ('cover_paise', models.BigIntegerField(verbose_name='annual cover (paise)')),
                ('status', models.CharField(choices=[('pending_payment', 'Awaiting payment'), ('active', 'Active'), ('expired', 'Expired'), ('cancelled', 'Cancelled')], default='pending_payment', max_length=16, verbose_name='status')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid to')),
                ('channel', models.CharField(choices=[('citizen', 'Citizen online'), ('csc', 'Lok Mitra / CSC'), ('counter', 'Facility counter'), ('officer', 'Scheme officer')], max_length=8, verbose_name='channel')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='applied at')),
                ('activated_at', models.DateTimeField(blank=True, null=True, verbose_name='activated at')),
                ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled at')),
                ('cancellation_reason', models.CharField(blank=True, max_length=300, verbose_name='reason for cancelling')),
                ('cancelled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='cancelled by')),
                ('enrolled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='enrolled by')),
                ('family', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='himcare_enrolments', to='himparivar.family', verbose_name='family')),
                ('renewal_of', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='renewals', to='himcare.enrolment', verbose_name='renews')),
            ],
            options={
                'verbose_name': 'HIMCARE enrolment',
                'verbose_name_plural': 'HIMCARE enrolments',
                'ordering': ['-created_at'],
            },
        ),
        migrations.AddField(
            model_name='enrolledmember',
            name='enrolment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='himcare.enrolment', verbose_name='enrolment'),
        ),
        migrations.CreateModel(
            name='Document',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('category_cert', 'Category certificate (e.g. BPL, disability)'), ('ration_card', 'Ration card'), ('id_proof', 'Identity proof'), ('clinical_notes', 'Clinical notes'), ('investigation', 'Investigation report'), ('discharge_summary', 'Discharge summary'), ('bill', 'Hospital bill'), ('operation_notes', 'Operation notes'), ('photo', 'Photograph'), ('other', 'Other')], max_length=20, verbose_name='kind')),
                ('reference', models.CharField(blank=True, max_length=100, verbose_name='document number')),
                ('file', models.FileField(blank=True, upload_to='himcare/%Y/%m/', verbose_name='file')),
                ('content_type', models.CharField(blank=True, max_length=60, verbose_name='content type')),
                ('size_bytes', models.PositiveIntegerField(default=0, verbose_name='size (bytes)')),
                ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256')),
                ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='himcare.case', verbose_name='case')),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                ('enrolment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='himcare.enrolment', verbose_name='enrolment')),
            ],
            options={
                'verbose_name': 'document',
                'verbose_name_plural': 'documents',
                'ordering': ['uploaded_at'],
            },
        ),
        migrations.AddField(
            model_name='case',
            name='enrolment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='himcare.enrolment', verbose_name='enrolment'),
        ),
        migrations.CreateModel(
            name='MisuseFlag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rule', models.CharField(choices=[('concurrent_admission', 'Same person admitted in two hospitals at once'), ('repeat_one_time', 'Repeat of a once-in-a-lifetime procedure'), ('under_limit_cluster', 'Claims just under package rates clustering at one hospital'), ('non_member', 'Patient is not a member of the enrolled family')], max_length=24, verbose_name='rule')),
                ('details', models.JSONField(default=dict, verbose_name='details')),
                ('status', models.CharField(choices=[('open', 'Open'), ('cleared', 'Cleared (no misuse)'), ('confirmed', 'Misuse confirmed')], default='open', max_length=10, verbose_name='status')),
                ('raised_at', models.DateTimeField(auto_now_add=True, verbose_name='raised at')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                ('review_note', models.CharField(blank=True, max_length=500, verbose_name='review note')),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='flags', to='himcare.case', verbose_name='case')),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='himcare_flags', to='facilities.facility', verbose_name='hospital')),
                ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
            ],
            options={
                'verbose_name': 'misuse flag',
                'verbose_name_plural': 'misuse flags',
                'ordering': ['-raised_at'],
            },
        ),
        migrations.CreateModel(
            name='CasePackage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rate_paise', models.BigIntegerField(verbose_name='rate (paise)')),
                ('quantity', models.PositiveSmallIntegerField(default=1, verbose_name='quantity')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='packages', to='himcare.case', verbose_name='case')),
                ('package', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='himcare.package', verbose_name='package')),
            ],
            options={
                'verbose_name': 'case package',
                'verbose_name_plural': 'case packages',
            },
        ),
        migrations.CreateModel(
            name='PmjayFamily',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ration_card_no', models.CharField(blank=True, max_length=20, verbose_name='ration card number')),
                ('source', models.CharField(help_text='The list and its date.', max_length=100, verbose_name='source')),
                ('listed_on', models.DateField(verbose_name='listed on')),
                ('family', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='pmjay_listing', to='himparivar.family', verbose_name='family')),
            ],
            options={
                'verbose_name': 'AB-PMJAY family',
                'verbose_name_plural': 'AB-PMJAY families',
            },
        ),
        migrations.CreateModel(
            name='PremiumPayment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount_paise', models.BigIntegerField(verbose_name='amount (paise)')),
                ('method', models.CharField(choices=[('online', 'Online payment'), ('counter', 'Counter receipt'), ('free', 'No premium (free category)')], max_length=8, verbose_name='method')),
                ('status', models.CharField(choices=[('initiated', 'Initiated'), ('success', 'Paid'), ('failed', 'Failed')], default='initiated', max_length=10, verbose_name='status')),
                ('order_id', models.CharField(max_length=40, unique=True, verbose_name='order id')),
                ('gateway_payment_id', models.CharField(blank=True, max_length=64, verbose_name='gateway payment id')),
                ('receipt_no', models.CharField(blank=True, max_length=40, verbose_name='receipt number')),
                ('failure_reason', models.CharField(blank=True, max_length=200, verbose_name='failure reason')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('paid_at', models.DateTimeField(blank=True, null=True, verbose_name='paid at')),
                ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='himcare.enrolment', verbose_name='enrolment')),
                ('received_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='received by')),
            ],
            options={
                'verbose_name': 'premium payment',
                'verbose_name_plural': 'premium payments',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='SchemeYear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text='For example 2026-27.', max_length=16, unique=True, verbose_name='code')),
                ('starts_on', models.DateField(verbose_name='starts on')),
                ('ends_on', models.DateField(verbose_name='ends on')),
                ('notification', models.CharField(blank=True, help_text='The government order these rules follow.', max_length=200, verbose_name='notification')),
                ('cover_per_unit_paise', models.BigIntegerField(default=50000000, verbose_name='annual cover per unit (paise)')),
                ('max_members_per_unit', models.PositiveSmallIntegerField(default=5, verbose_name='members per unit')),
                ('card_validity_months', models.PositiveSmallIntegerField(default=12, verbose_name='card validity (months)')),
                ('new_enrolment_months', models.JSONField(blank=True, default=list, verbose_name='months open for new enrolment')),
                ('renewal_window_days', models.PositiveSmallIntegerField(default=60, verbose_name='renewal opens (days before expiry)')),
                ('expired_renewal_in_enrolment_months_only', models.BooleanField(default=True, verbose_name='expired cards renew only in enrolment months')),
                ('preauth_decision_hours', models.PositiveSmallIntegerField(default=6, verbose_name='pre-authorisation decision within (hours)')),
                ('preauth_deemed_approved', models.BooleanField(default=False, verbose_name='undecided pre-authorisations are deemed approved')),
                ('claim_submission_days', models.PositiveSmallIntegerField(default=7, verbose_name='claim within (days of discharge)')),
                ('claim_payment_days', models.PositiveSmallIntegerField(default=15, verbose_name='claim paid within (days)')),
                ('exclude_ab_pmjay', models.BooleanField(default=True, verbose_name='families in AB-PMJAY are excluded')),
                ('exclude_government_employees', models.BooleanField(default=True, verbose_name='government employees and pensioners are excluded')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
            ],
            options={
                'verbose_name': 'scheme year',
                'verbose_name_plural': 'scheme years',
                'ordering': ['-starts_on'],
                'constraints': [models.CheckConstraint(condition=models.Q(('ends_on__gt', models.F('starts_on'))), name='scheme_year_dates_ordered'), models.CheckConstraint(condition=models.Q(('max_members_per_unit__gte', 1)), name='scheme_year_unit_size')],
            },
        ),
        migrations.CreateModel(
            name='PanchayatCoverage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('families', models.PositiveIntegerField(default=0, verbose_name='Him Parivar families')),
                ('eligible_families', models.PositiveIntegerField(default=0, verbose_name='eligible families')),
                ('enrolled_families', models.PositiveIntegerField(default=0, verbose_name='enrolled families')),
                ('members', models.PositiveIntegerField(default=0, verbose_name='members')),
                ('members_with_abha', models.PositiveIntegerField(default=0, verbose_name='members with ABHA')),
                ('preauths', models.PositiveIntegerField(default=0, verbose_name='pre-authorisations')),
                ('claims', models.PositiveIntegerField(default=0, verbose_name='claims')),
                ('claims_paise', models.BigIntegerField(default=0, verbose_name='claims amount (paise)')),
                ('computed_at', models.DateTimeField(auto_now=True, verbose_name='computed at')),
                ('gram_panchayat', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='places.grampanchayat', verbose_name='gram panchayat')),
                ('scheme_year', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='himcare.schemeyear', verbose_name='scheme year')),
            ],
            options={
                'verbose_name': 'panchayat coverage',
                'verbose_name_plural': 'panchayat coverage',
            },
        ),
        migrations.AddField(
            model_name='enrolment',
            name='scheme_year',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='himcare.schemeyear', verbose_name='scheme year'),
        ),
        migrations.CreateModel(
            name='CategoryRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('I', 'Category I'), ('II', 'Category II'), ('III', 'Category III')], max_length=3, verbose_name='category')),
                ('premium_paise', models.BigIntegerField(verbose_name='premium per year (paise)')),
                ('criteria', models.JSONField(default=list, help_text='Codes of Criterion; any one suffices.', verbose_name='criteria')),
                ('scheme_year', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='category_rules', to='himcare.schemeyear', verbose_name='scheme year')),
            ],
            options={
                'verbose_name': 'category rule',
                'verbose_name_plural': 'category rules',
                'ordering': ['scheme_year', 'premium_paise'],
            },
        ),
        migrations.AddField(
            model_name='package',
            name='specialty',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='packages', to='himcare.specialty', verbose_name='specialty'),
        ),
        migrations.CreateModel(
            name='Empanelment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('valid_to', models.DateField(verbose_name='valid to')),
                ('status', models.CharField(choices=[('active', 'Active'), ('suspended', 'Suspended'), ('withdrawn', 'Withdrawn')], default='active', max_length=10, verbose_name='status')),
                ('order_ref', models.CharField(blank=True, max_length=100, verbose_name='order reference')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='empanelments', to='facilities.facility', verbose_name='hospital')),
                ('specialty', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='empanelments', to='himcare.specialty', verbose_name='specialty')),
            ],
            options={
                'verbose_name': 'empanelment',
                'verbose_name_plural': 'empanelments',
                'ordering': ['facility', 'specialty'],
            },
        ),
        migrations.CreateModel(
            name='Wallet',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('cover_paise', models.BigIntegerField(verbose_name='cover (paise)')),
                ('blocked_paise', models.BigIntegerField(default=0, verbose_name='blocked (paise)')),
                ('consumed_paise', models.BigIntegerField(default=0, verbose_name='consumed (paise)')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('enrolment', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='wallet', to='himcare.enrolment', verbose_name='enrolment')),
            ],
            options={
                'verbose_name': 'family wallet',
                'verbose_name_plural': 'family wallets',
            },
        ),
        migrations.CreateModel(
            name='WalletEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('block', 'Blocked at pre-authorisation'), ('release', 'Released'), ('consume', 'Spent on an approved claim')], max_length=8, verbose_name='kind')),
                ('amount_paise', models.BigIntegerField(verbose_name='amount (paise)')),
                ('at', models.DateTimeField(auto_now_add=True, verbose_name='at')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='wallet_entries', to='himcare.case', verbose_name='case')),
                ('wallet', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='himcare.wallet', verbose_name='wallet')),
            ],
            options={
                'verbose_name': 'wallet entry',
                'verbose_name_plural': 'wallet entries',
                'ordering': ['wallet', 'at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CaseDiagnosis',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('provisional', 'Provisional (at pre-authorisation)'), ('final', 'Final (at discharge)')], max_length=12, verbose_name='kind')),
                ('is_primary', models.BooleanField(default=False, verbose_name='primary')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='diagnoses', to='himcare.case', verbose_name='case')),
                ('icd10', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='codelists.icd10code', verbose_name='ICD-10 code')),
            ],
            options={
                'verbose_name': 'diagnosis',
                'verbose_name_plural': 'diagnoses',
                'constraints': [models.UniqueConstraint(fields=('case', 'icd10', 'kind'), name='case_diagnosis_unique')],
            },
        ),
        migrations.CreateModel(
            name='Claim',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('claim_no', models.CharField(max_length=24, unique=True, verbose_name='claim number')),
                ('status', models.CharField(choices=[('submitted', 'Submitted'), ('query', 'Queried'), ('approved', 'Approved'), ('part_approved', 'Approved in part'), ('rejected', 'Rejected')], default='submitted', max_length=14, verbose_name='status')),
                ('claimed_paise', models.BigIntegerField(verbose_name='claimed (paise)')),
                ('approved_paise', models.BigIntegerField(blank=True, null=True, verbose_name='approved (paise)')),
                ('reason', models.CharField(blank=True, choices=[('not_eligible', 'Patient not eligible on the date of admission'), ('package_mismatch', 'Treatment does not match the package'), ('documents_missing', 'Required documents missing or unreadable'), ('excess_amount', 'Amount above the package rate or the pre-authorisation'), ('duplicate', 'Duplicate claim'), ('not_justified', 'Treatment not medically justified'), ('late_submission', 'Submitted after the deadline'), ('stay_too_short', 'Stay shorter than the package minimum'), ('other', 'Other (see note)')], max_length=20, verbose_name='reason')),
                ('adjudication_note', models.CharField(blank=True, max_length=500, verbose_name='adjudication note')),
                ('submitted_at', models.DateTimeField(auto_now_add=True, verbose_name='submitted at')),
                ('adjudicated_at', models.DateTimeField(blank=True, null=True, verbose_name='adjudicated at')),
                ('payment_status', models.CharField(choices=[('not_due', 'Not due'), ('pending', 'Payment pending'), ('paid', 'Paid'), ('failed', 'Payment failed')], default='not_due', max_length=8, verbose_name='payment')),
                ('payment_due_on', models.DateField(blank=True, null=True, verbose_name='payment due by')),
                ('payment_ref', models.CharField(blank=True, max_length=64, verbose_name='payment reference')),
                ('paid_at', models.DateTimeField(blank=True, null=True, verbose_name='paid at')),
                ('adjudicated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='adjudicated by')),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='claim', to='himcare.case', verbose_name='case')),
                ('submitted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
            ],
            options={
                'verbose_name': 'claim',
                'verbose_name_plural': 'claims',
                'ordering': ['-submitted_at'],
                'indexes': [models.Index(fields=['status', 'submitted_at'], name='himcare_cla_status_6af3f2_idx'), models.Index(fields=['payment_status'], name='himcare_cla_payment_9e0913_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('claimed_paise__gt', 0)), name='claim_amount_positive'), models.CheckConstraint(condition=models.Q(('approved_paise__isnull', True), models.Q(('approved_paise__gte', 0), ('approved_paise__lte', models.F('claimed_paise'))), _connector='OR'), name='claim_approved_within_claimed')],
            },
        ),
        migrations.AddConstraint(
            model_name='enrolledmember',
            constraint=models.UniqueConstraint(fields=('enrolment', 'member'), name='enrolled_member_unique'),
        ),
        migrations.AddConstraint(
            model_name='document',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('enrolment__isnull', False), ('case__isnull', True)), models.Q(('enrolment__isnull', True), ('case__isnull', False)), _connector='OR'), name='document_has_one_parent'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['status', 'decision_due_at'], name='himcare_cas_status_96ce90_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['person', 'status'], name='himcare_cas_person__af9da5_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['facility', 'status'], name='himcare_cas_facilit_a73b34_idx'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(('estimated_paise__gt', 0)), name='case_estimate_positive'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(('blocked_paise__gte', 0)), name='case_blocked_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(('discharged_at__isnull', True), models.Q(('admitted_at__isnull', False), ('discharged_at__gte', models.F('admitted_at'))), _connector='OR'), name='case_discharge_after_admission'),
        ),
        migrations.AddIndex(
            model_name='misuseflag',
            index=models.Index(fields=['status', 'rule'], name='himcare_mis_status_64934f_idx'),
        ),
        migrations.AddConstraint(
            model_name='misuseflag',
            constraint=models.UniqueConstraint(condition=models.Q(('case__isnull', False)), fields=('rule', 'case'), name='misuse_flag_once_per_case'),
        ),
        migrations.AddConstraint(
            model_name='casepackage',
            constraint=models.UniqueConstraint(fields=('case', 'package'), name='case_package_unique'),
        ),
        migrations.AddConstraint(
            model_name='casepackage',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='case_package_quantity_positive'),
        ),
        migrations.AddConstraint(
            model_name='premiumpayment',
            constraint=models.CheckConstraint(condition=models.Q(('amount_paise__gte', 0)), name='payment_amount_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='premiumpayment',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'success')), fields=('enrolment',), name='payment_one_success_per_enrolment'),
        ),
        migrations.AddConstraint(
            model_name='panchayatcoverage',
            constraint=models.UniqueConstraint(fields=('scheme_year', 'gram_panchayat'), name='panchayat_coverage_unique'),
        ),
        migrations.AddIndex(
            model_name='enrolment',
            index=models.Index(fields=['status', 'valid_to'], name='himcare_enr_status_e87848_idx'),
        ),
        migrations.AddIndex(
            model_name='enrolment',
            index=models.Index(fields=['family', 'status'], name='himcare_enr_family__10a9a9_idx'),
        ),
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'active')), fields=('family',), name='enrolment_one_active_per_family'),
        ),
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'pending_payment')), fields=('family',), name='enrolment_one_pending_per_family'),
        ),
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.CheckConstraint(condition=models.Q(('premium_paise__gte', 0)), name='enrolment_premium_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.CheckConstraint(condition=models.Q(('units__gte', 1)), name='enrolment_units_positive'),
        ),
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.CheckConstraint(condition=models.Q(('valid_to__isnull', True), ('valid_to__gte', models.F('valid_from')), _connector='OR'), name='enrolment_validity_ordered'),
        ),
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'active'), _negated=True), models.Q(('card_number__isnull', False), ('valid_to__isnull', False)), _connector='OR'), name='enrolment_active_has_card'),
        ),
        migrations.AddConstraint(
            model_name='categoryrule',
            constraint=models.UniqueConstraint(fields=('scheme_year', 'category'), name='category_rule_unique'),
        ),
        migrations.AddConstraint(
            model_name='categoryrule',
            constraint=models.CheckConstraint(condition=models.Q(('premium_paise__gte', 0)), name='category_rule_premium_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='package',
            constraint=models.CheckConstraint(condition=models.Q(('rate_paise__gt', 0)), name='package_rate_positive'),
        ),
        migrations.AddConstraint(
            model_name='empanelment',
            constraint=models.UniqueConstraint(fields=('facility', 'specialty', 'valid_from'), name='empanelment_unique'),
        ),
        migrations.AddConstraint(
            model_name='empanelment',
            constraint=models.CheckConstraint(condition=models.Q(('valid_to__gte', models.F('valid_from'))), name='empanelment_dates_ordered'),
        ),
        migrations.AddConstraint(
            model_name='wallet',
            constraint=models.CheckConstraint(condition=models.Q(('blocked_paise__gte', 0)), name='wallet_blocked_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='wallet',
            constraint=models.CheckConstraint(condition=models.Q(('consumed_paise__gte', 0)), name='wallet_consumed_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='wallet',
            constraint=models.CheckConstraint(condition=models.Q(('cover_paise__gte', django.db.models.expressions.CombinedExpression(models.F('blocked_paise'), '+', models.F('consumed_paise')))), name='wallet_never_overspent'),
        ),
        migrations.AddConstraint(
            model_name='walletentry',
            constraint=models.CheckConstraint(condition=models.Q(('amount_paise__gt', 0)), name='wallet_entry_amount_positive'),
        ),
        migrations.RunPython(db_indexes.create_indexes, db_indexes.drop_indexes, elidable=False),
    ]
