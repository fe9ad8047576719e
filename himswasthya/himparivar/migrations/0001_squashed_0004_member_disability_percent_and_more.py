"""All of this app's migrations up to 0004_member_disability_percent_and_more, squashed (issue #11). `replaces` lets a database that has
applied those go on without change; a new database applies this one."""

import django.db.models.deletion
import himswasthya.core.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('himparivar', '0001_initial'),
        ('himparivar', '0002_initial'),
        ('himparivar', '0003_import_and_sync'),
        ('himparivar', '0004_member_disability_percent_and_more'),
    ]

    dependencies = [
        ('people', '0001_squashed_0004_encrypt_identifiers_guardians'),
        ('places', '0001_squashed_0002_source_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SimulatedChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('change_type', models.CharField(choices=[('member.added', 'Member added'), ('member.updated', 'Member updated'), ('member.moved', 'Member moved'), ('member.deceased', 'Member deceased'), ('family.split', 'Family split')], max_length=20, verbose_name='change type')),
                ('payload', models.JSONField(default=dict, verbose_name='payload')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'simulated register change',
                'verbose_name_plural': 'simulated register changes',
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='SyncState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(default='default', max_length=30, unique=True, verbose_name='name')),
                ('cursor', models.CharField(blank=True, max_length=100, verbose_name='cursor')),
                ('last_run_at', models.DateTimeField(blank=True, null=True, verbose_name='last run')),
                ('last_success_at', models.DateTimeField(blank=True, null=True, verbose_name='last success')),
                ('last_error', models.CharField(blank=True, max_length=500, verbose_name='last error')),
                ('changes_applied', models.PositiveIntegerField(default=0, verbose_name='changes applied')),
                ('changes_rejected', models.PositiveIntegerField(default=0, verbose_name='changes rejected')),
                ('last_counts', models.JSONField(default=dict, verbose_name='counts of the last run')),
            ],
            options={
                'verbose_name': 'register sync state',
                'verbose_name_plural': 'register sync states',
            },
        ),
        migrations.CreateModel(
            name='Family',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('family_id', models.CharField(max_length=32, unique=True, verbose_name='family id')),
                ('is_temporary', models.BooleanField(default=False, help_text='Issued on a ration card, pending verification.', verbose_name='temporary family id')),
                ('area_type', models.CharField(choices=[('RURAL', 'Rural'), ('URBAN', 'Urban')], default='RURAL', max_length=5, verbose_name='area')),
                ('address', models.CharField(blank=True, max_length=300, verbose_name='address')),
                ('ration_card_no', models.CharField(blank=True, max_length=20, verbose_name='ration card number')),
                ('ration_card_type', models.CharField(choices=[('AAY', 'Antyodaya Anna Yojana'), ('PHH', 'Priority household'), ('NFSA', 'Other NFSA'), ('STATE', 'State subsidised (APL)'), ('NONE', 'No ration card')], default='NONE', max_length=5, verbose_name='ration card type')),
                ('is_bpl', models.BooleanField(default=False, verbose_name='below poverty line')),
                ('income_band', models.CharField(blank=True, choices=[('LT1L', 'Below ₹1 lakh a year'), ('1L-2.5L', '₹1–2.5 lakh a year'), ('2.5L-5L', '₹2.5–5 lakh a year'), ('GT5L', 'Above ₹5 lakh a year')], max_length=8, verbose_name='income band')),
                ('social_category', models.CharField(blank=True, choices=[('GEN', 'General'), ('OBC', 'Other Backward Classes'), ('SC', 'Scheduled Caste'), ('ST', 'Scheduled Tribe')], max_length=3, verbose_name='social category')),
                ('verification_status', models.CharField(choices=[('PENDING', 'Pending verification'), ('VERIFIED', 'Verified'), ('REJECTED', 'Rejected')], default='PENDING', max_length=8, verbose_name='verification status')),
                ('verified_on', models.DateField(blank=True, null=True, verbose_name='verified on')),
                ('is_synthetic', models.BooleanField(default=False, help_text='Generated for demonstration; not a real family.', verbose_name='synthetic')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('row_hash', models.CharField(blank=True, db_default='', default='', max_length=40, verbose_name='row hash')),
                ('updated_at', models.DateTimeField(blank=True, null=True, verbose_name='updated at')),
                ('block', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='families', to='places.block', verbose_name='block')),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='families', to='places.district', verbose_name='district')),
                ('gram_panchayat', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='families', to='places.grampanchayat', verbose_name='gram panchayat')),
            ],
            options={
                'verbose_name': 'family',
                'verbose_name_plural': 'families',
            },
        ),
        migrations.CreateModel(
            name='ImportRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file_name', models.CharField(max_length=200, verbose_name='file name')),
                ('stored_path', models.CharField(blank=True, max_length=500, verbose_name='stored file')),
                ('error_report_path', models.CharField(blank=True, max_length=500, verbose_name='error report')),
                ('file_format', models.CharField(max_length=5, verbose_name='format')),
                ('dry_run', models.BooleanField(default=False, verbose_name='dry run')),
                ('counts', models.JSONField(default=dict, verbose_name='counts')),
                ('started_at', models.DateTimeField(auto_now_add=True, verbose_name='started at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('started_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='started by')),
            ],
            options={
                'verbose_name': 'register import',
                'verbose_name_plural': 'register imports',
            },
        ),
        migrations.CreateModel(
            name='Member',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('member_id', models.CharField(max_length=32, unique=True, verbose_name='member id')),
                ('relation', models.CharField(choices=[('SELF', 'Self (head)'), ('WIFE', 'Wife'), ('HUSBAND', 'Husband'), ('SON', 'Son'), ('DAUGHTER', 'Daughter'), ('DIL', 'Daughter-in-law'), ('SIL', 'Son-in-law'), ('FATHER', 'Father'), ('MOTHER', 'Mother'), ('GSON', 'Grandson'), ('GDAUGHTER', 'Granddaughter'), ('BROTHER', 'Brother'), ('SISTER', 'Sister'), ('OTHER', 'Other relative')], max_length=10, verbose_name='relation to head')),
                ('name_roman', models.CharField(max_length=200, verbose_name='name (Roman)')),
                ('name_deva', models.CharField(blank=True, max_length=200, verbose_name='name (Devanagari)')),
                ('sex', models.CharField(choices=[('M', 'Male'), ('F', 'Female'), ('O', 'Other')], max_length=1, verbose_name='sex')),
                ('date_of_birth', models.DateField(blank=True, null=True, verbose_name='date of birth')),
                ('year_of_birth', models.PositiveSmallIntegerField(verbose_name='year of birth')),
                ('mobile', models.CharField(blank=True, max_length=10, null=True, verbose_name='mobile')),
                ('aadhaar_last4', models.CharField(blank=True, max_length=4, validators=[himswasthya.core.validators.validate_aadhaar_last4], verbose_name='Aadhaar (last four digits)')),
                ('marital_status', models.CharField(choices=[('NEVER', 'Never married'), ('MARRIED', 'Married'), ('WIDOWED', 'Widowed'), ('DIVORCED', 'Divorced'), ('SEPARATED', 'Separated')], default='NEVER', max_length=10, verbose_name='marital status')),
                ('status', models.CharField(choices=[('ALIVE', 'Resident'), ('MIGRATED', 'Migrated'), ('DECEASED', 'Deceased')], default='ALIVE', max_length=10, verbose_name='status')),
                ('occupation', models.CharField(blank=True, choices=[('', 'Not recorded'), ('GOVT_EMP', 'Government employee'), ('GOVT_PEN', 'Government pensioner'), ('VENDOR', 'Registered street vendor'), ('MGNREGA', 'MGNREGA worker'), ('MDM', 'Mid-day-meal worker'), ('CONTRACT', 'Daily-wage, part-time, contract or outsourced worker (State)'), ('AWW_ASHA', 'Anganwadi worker/helper or ASHA'), ('FARMER', 'Farmer'), ('PRIVATE', 'Private employee'), ('SELF', 'Self-employed'), ('STUDENT', 'Student'), ('HOME', 'Homemaker'), ('OTHER', 'Other')], db_default='', default='', max_length=8, verbose_name='occupation')),
                ('disability_percent', models.PositiveSmallIntegerField(db_default=0, default=0, help_text='From the disability certificate; 0 if none.', verbose_name='disability (%)')),
                ('mgnrega_days', models.PositiveSmallIntegerField(db_default=0, default=0, help_text='The larger of the current and the previous financial year.', verbose_name='MGNREGA days worked')),
                ('in_child_care_institution', models.BooleanField(db_default=False, default=False, verbose_name='lives in a child care institution')),
                ('is_synthetic', models.BooleanField(default=False, verbose_name='synthetic')),
                ('date_of_death', models.DateField(blank=True, null=True, verbose_name='date of death')),
                ('row_hash', models.CharField(blank=True, db_default='', default='', max_length=40, verbose_name='row hash')),
                ('updated_at', models.DateTimeField(blank=True, null=True, verbose_name='updated at')),
                ('family', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='himparivar.family', verbose_name='family')),
                ('person', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='himparivar_member', to='people.person', verbose_name='person')),
            ],
            options={
                'verbose_name': 'family member',
                'verbose_name_plural': 'family members',
            },
        ),
        migrations.AddField(
            model_name='family',
            name='head',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='himparivar.member', to_field='member_id', verbose_name='head of family'),
        ),
        migrations.AddIndex(
            model_name='member',
            index=models.Index(fields=['mobile'], name='member_mobile_idx'),
        ),
        migrations.AddConstraint(
            model_name='member',
            constraint=models.CheckConstraint(condition=models.Q(('aadhaar_last4', ''), ('aadhaar_last4__regex', '^[0-9]{4}$'), _connector='OR'), name='member_aadhaar_last4_only'),
        ),
        migrations.AddConstraint(
            model_name='member',
            constraint=models.CheckConstraint(condition=models.Q(('sex__in', ['M', 'F', 'O'])), name='member_sex_valid'),
        ),
        migrations.AddConstraint(
            model_name='member',
            constraint=models.CheckConstraint(condition=models.Q(('disability_percent__lte', 100)), name='member_disability_percent_range'),
        ),
        migrations.AddIndex(
            model_name='family',
            index=models.Index(fields=['ration_card_no'], name='family_ration_card_idx'),
        ),
        migrations.AddConstraint(
            model_name='family',
            constraint=models.CheckConstraint(condition=models.Q(('ration_card_type', 'NONE'), models.Q(('ration_card_no', ''), _negated=True), _connector='OR'), name='family_ration_card_has_number'),
        ),
    ]
