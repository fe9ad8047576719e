"""All of this app's migrations up to 0004_encrypt_identifiers_guardians, squashed (issue #11). `replaces` lets a database that has
applied those go on without change; a new database applies this one."""

import django.db.models.deletion
import django.utils.timezone
import himswasthya.core.crypto
from django.conf import settings
from django.db import migrations, models

from himswasthya.people import db_indexes


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('people', '0001_initial'),
        ('people', '0002_search_uhid_merge'),
        ('people', '0003_search_indexes'),
        ('people', '0004_encrypt_identifiers_guardians'),
    ]

    dependencies = [
        ('places', '0001_squashed_0002_source_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='UhidCounter',
            fields=[
                ('district_code', models.PositiveSmallIntegerField(primary_key=True, serialize=False, verbose_name='district LGD code')),
                ('last_number', models.PositiveIntegerField(default=0, verbose_name='last number issued')),
            ],
            options={
                'verbose_name': 'UHID counter',
                'verbose_name_plural': 'UHID counters',
            },
        ),
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('given_name', models.CharField(max_length=100, verbose_name='given name')),
                ('family_name', models.CharField(blank=True, max_length=100, verbose_name='family name')),
                ('name_roman', models.CharField(max_length=200, verbose_name='full name (Roman)')),
                ('name_deva', models.CharField(blank=True, max_length=200, verbose_name='full name (Devanagari)')),
                ('sex', models.CharField(choices=[('M', 'Male'), ('F', 'Female'), ('O', 'Other')], max_length=1, verbose_name='sex')),
                ('date_of_birth', models.DateField(blank=True, null=True, verbose_name='date of birth')),
                ('year_of_birth', models.PositiveSmallIntegerField(verbose_name='year of birth')),
                ('mobile', models.CharField(blank=True, max_length=10, null=True, verbose_name='mobile')),
                ('is_synthetic', models.BooleanField(default=False, help_text='Generated for demonstration; not a real person.', verbose_name='synthetic')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('name_roman_machine', models.BooleanField(db_default=False, default=False, verbose_name='Roman name is machine transliterated')),
                ('name_deva_machine', models.BooleanField(db_default=False, default=False, verbose_name='Devanagari name is machine transliterated')),
                ('name_key', models.CharField(blank=True, db_default='', default='', editable=False, max_length=200, verbose_name='name search key')),
                ('name_deva_key', models.CharField(blank=True, db_default='', default='', editable=False, max_length=200, verbose_name='Devanagari name search key')),
                ('name_blocks', models.CharField(blank=True, db_default='', default='', editable=False, max_length=200, verbose_name='name blocking key')),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='people', to='places.district', verbose_name='district')),
                ('gram_panchayat', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='people', to='places.grampanchayat', verbose_name='gram panchayat')),
                ('merged_into', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_people', to='people.person', verbose_name='merged into')),
            ],
            options={
                'verbose_name': 'person',
                'verbose_name_plural': 'people',
            },
        ),
        migrations.CreateModel(
            name='PersonGuardian',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('relation', models.CharField(blank=True, choices=[('MOTHER', 'Mother'), ('FATHER', 'Father'), ('GUARDIAN', 'Lawful guardian')], max_length=10, verbose_name='relation')),
                ('verified_by', models.CharField(choices=[('HIM_PARIVAR_MEMBER', 'Him Parivar member id held for the guardian'), ('ABHA', 'Verified ABHA held for the guardian'), ('MOBILE_OTP', "Guardian's mobile verified by OTP"), ('NONE', 'Not verified (exempt purpose)')], max_length=20, verbose_name='guardian verified by')),
                ('verified_at', models.DateTimeField(blank=True, null=True, verbose_name='verified at')),
                ('basis', models.CharField(choices=[('GUARDIAN_CONSENT', 'Verifiable consent of a parent or lawful guardian (s.9)'), ('HEALTH_SERVICES', 'Exempt: health services to the child by a clinical establishment or health professional (Fourth Schedule)')], max_length=20, verbose_name='basis')),
                ('purpose', models.CharField(max_length=40, verbose_name='purpose')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
                ('child', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='guardians', to='people.person', verbose_name='child')),
                ('guardian', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='wards', to='people.person', verbose_name='parent or guardian')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'guardian of a child',
                'verbose_name_plural': 'guardians of children',
            },
        ),
        migrations.CreateModel(
            name='PersonIdentifier',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('id_type', models.CharField(choices=[('ABHA_NUMBER', 'ABHA number'), ('ABHA_ADDRESS', 'ABHA address'), ('UHID', 'Hospital UHID'), ('HIM_PARIVAR_MEMBER', 'Him Parivar member id'), ('RATION_CARD', 'Ration card number'), ('AADHAAR_LAST4', 'Aadhaar (last four digits)')], max_length=20, verbose_name='identifier type')),
                ('value', himswasthya.core.crypto.EncryptedWhenCharField(context='people.PersonIdentifier.value', encrypted_kinds=['AADHAAR_LAST4', 'RATION_CARD'], kind_field='id_type', max_length=160, verbose_name='value')),
                ('issuer', models.CharField(blank=True, help_text="e.g. NHA, a hospital's HFR id", max_length=100, verbose_name='issuer')),
                ('verified', models.BooleanField(default=False, verbose_name='verified')),
                ('source', models.CharField(blank=True, max_length=30, verbose_name='source')),
                ('since', models.DateField(blank=True, null=True, verbose_name='since')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='identifiers', to='people.person', verbose_name='person')),
            ],
            options={
                'verbose_name': 'person identifier',
                'verbose_name_plural': 'person identifiers',
            },
        ),
        migrations.CreateModel(
            name='PersonMerge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(max_length=300, verbose_name='reason')),
                ('snapshot', models.JSONField(default=dict, verbose_name='snapshot for undo')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='merged at')),
                ('undone_at', models.DateTimeField(blank=True, null=True, verbose_name='undone at')),
                ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='merged by')),
                ('duplicate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='merges_absorbed', to='people.person', verbose_name='duplicate person')),
                ('survivor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='merges_kept', to='people.person', verbose_name='surviving person')),
                ('undone_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='undone by')),
            ],
            options={
                'verbose_name': 'merge of people',
                'verbose_name_plural': 'merges of people',
            },
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['mobile'], name='person_mobile_idx'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['family_name', 'given_name'], name='person_name_idx'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['district', 'sex'], name='person_district_sex_idx'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.CheckConstraint(condition=models.Q(('sex__in', ['M', 'F', 'O'])), name='person_sex_valid'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.CheckConstraint(condition=models.Q(('year_of_birth__gte', 1880), ('year_of_birth__lte', 2100)), name='person_year_of_birth_range'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.CheckConstraint(condition=models.Q(('mobile__isnull', True), ('mobile__regex', '^[6-9][0-9]{9}$'), _connector='OR'), name='person_mobile_ten_digits'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.CheckConstraint(condition=models.Q(('merged_into', models.F('pk')), _negated=True), name='person_not_merged_into_itself'),
        ),
        migrations.AddConstraint(
            model_name='personguardian',
            constraint=models.CheckConstraint(condition=models.Q(('basis', 'HEALTH_SERVICES'), models.Q(('guardian__isnull', False), ('verified_at__isnull', False), models.Q(('verified_by', 'NONE'), _negated=True), models.Q(('relation', ''), _negated=True)), _connector='OR'), name='personguardian_consent_verified'),
        ),
        migrations.AddConstraint(
            model_name='personguardian',
            constraint=models.CheckConstraint(condition=models.Q(('guardian', models.F('child')), _negated=True), name='personguardian_not_self'),
        ),
        migrations.AddConstraint(
            model_name='personguardian',
            constraint=models.UniqueConstraint(fields=('child', 'guardian'), name='personguardian_once'),
        ),
        migrations.AddIndex(
            model_name='personidentifier',
            index=models.Index(fields=['id_type', 'value'], name='personid_type_value_idx'),
        ),
        migrations.AddConstraint(
            model_name='personidentifier',
            constraint=models.UniqueConstraint(condition=models.Q(('id_type__in', ['ABHA_NUMBER', 'ABHA_ADDRESS', 'UHID', 'HIM_PARIVAR_MEMBER'])), fields=('id_type', 'value'), name='personid_unique_kinds'),
        ),
        migrations.AddConstraint(
            model_name='personidentifier',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('id_type', 'AADHAAR_LAST4'), _negated=True), ('value__regex', '^[0-9]{4}$'), ('value__regex', '^enc:v1:[0-9a-f]{8}:[A-Za-z0-9_-]{43}$'), _connector='OR'), name='personid_aadhaar_last4_only'),
        ),
        migrations.AddConstraint(
            model_name='personidentifier',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('id_type', 'ABHA_NUMBER'), _negated=True), ('value__regex', '^[0-9]{14}$'), _connector='OR'), name='personid_abha_number_14_digits'),
        ),
        migrations.AddConstraint(
            model_name='personidentifier',
            constraint=models.UniqueConstraint(condition=models.Q(('id_type', 'UHID'), ('issuer', 'HimSwasthya'), ('source', 'issued')), fields=('person',), name='personid_one_state_uhid'),
        ),
        migrations.AddConstraint(
            model_name='personmerge',
            constraint=models.CheckConstraint(condition=models.Q(('survivor', models.F('duplicate')), _negated=True), name='personmerge_two_people'),
        ),
        migrations.AddConstraint(
            model_name='personmerge',
            constraint=models.UniqueConstraint(condition=models.Q(('undone_at__isnull', True)), fields=('duplicate',), name='personmerge_one_live'),
        ),
        migrations.RunPython(db_indexes.create_trigram_indexes, db_indexes.drop_trigram_indexes, elidable=False),
    ]
