"""All of this app's migrations up to 0002_source_name, squashed (issue #11). `replaces` lets a database that has
applied those go on without change; a new database applies this one."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('places', '0001_initial'),
        ('places', '0002_source_name'),
    ]

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='District',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150, verbose_name='name')),
                ('name_hi', models.CharField(blank=True, max_length=150, verbose_name='name (Hindi)')),
                ('name_hi_machine', models.BooleanField(default=False, help_text='Untick after a person has checked or corrected the Hindi name.', verbose_name='Hindi name is machine transliterated')),
                ('source_name', models.CharField(blank=True, max_length=150, verbose_name='name in source')),
                ('lgd_code', models.PositiveIntegerField(unique=True, verbose_name='LGD code')),
                ('census2011_code', models.CharField(blank=True, max_length=8, verbose_name='Census 2011 code')),
            ],
            options={
                'verbose_name': 'district',
                'verbose_name_plural': 'districts',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='State',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150, verbose_name='name')),
                ('name_hi', models.CharField(blank=True, max_length=150, verbose_name='name (Hindi)')),
                ('name_hi_machine', models.BooleanField(default=False, help_text='Untick after a person has checked or corrected the Hindi name.', verbose_name='Hindi name is machine transliterated')),
                ('lgd_code', models.PositiveIntegerField(unique=True, verbose_name='LGD code')),
            ],
            options={
                'verbose_name': 'state',
                'verbose_name_plural': 'states',
            },
        ),
        migrations.CreateModel(
            name='Block',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150, verbose_name='name')),
                ('name_hi', models.CharField(blank=True, max_length=150, verbose_name='name (Hindi)')),
                ('name_hi_machine', models.BooleanField(default=False, help_text='Untick after a person has checked or corrected the Hindi name.', verbose_name='Hindi name is machine transliterated')),
                ('source_name', models.CharField(blank=True, max_length=150, verbose_name='name in source')),
                ('lgd_code', models.PositiveIntegerField(unique=True, verbose_name='LGD code')),
                ('lgd_version', models.PositiveSmallIntegerField(default=1, verbose_name='LGD version')),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='blocks', to='places.district', verbose_name='district')),
            ],
            options={
                'verbose_name': 'block',
                'verbose_name_plural': 'blocks',
                'ordering': ['name'],
            },
        ),
        migrations.AddField(
            model_name='district',
            name='state',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='districts', to='places.state', verbose_name='state'),
        ),
        migrations.CreateModel(
            name='Tehsil',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150, verbose_name='name')),
                ('name_hi', models.CharField(blank=True, max_length=150, verbose_name='name (Hindi)')),
                ('name_hi_machine', models.BooleanField(default=False, help_text='Untick after a person has checked or corrected the Hindi name.', verbose_name='Hindi name is machine transliterated')),
                ('source_name', models.CharField(blank=True, max_length=150, verbose_name='name in source')),
                ('lgd_code', models.PositiveIntegerField(unique=True, verbose_name='LGD code')),
                ('lgd_version', models.PositiveSmallIntegerField(default=1, verbose_name='LGD version')),
                ('census2011_code', models.CharField(blank=True, max_length=8, verbose_name='Census 2011 code')),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tehsils', to='places.district', verbose_name='district')),
            ],
            options={
                'verbose_name': 'tehsil',
                'verbose_name_plural': 'tehsils',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='UrbanLocalBody',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150, verbose_name='name')),
                ('name_hi', models.CharField(blank=True, max_length=150, verbose_name='name (Hindi)')),
                ('name_hi_machine', models.BooleanField(default=False, help_text='Untick after a person has checked or corrected the Hindi name.', verbose_name='Hindi name is machine transliterated')),
                ('source_name', models.CharField(blank=True, max_length=150, verbose_name='name in source')),
                ('lgd_code', models.PositiveIntegerField(unique=True, verbose_name='LGD code')),
                ('lgd_version', models.PositiveSmallIntegerField(default=1, verbose_name='LGD version')),
                ('kind', models.CharField(choices=[('MC', 'Municipal Corporation'), ('COUNCIL', 'Municipal Council'), ('NP', 'Nagar Panchayat')], max_length=10, verbose_name='type')),
                ('census2011_code', models.CharField(blank=True, max_length=8, verbose_name='Census 2011 code')),
                ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='urban_bodies', to='places.district', verbose_name='district')),
            ],
            options={
                'verbose_name': 'urban local body',
                'verbose_name_plural': 'urban local bodies',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='GramPanchayat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150, verbose_name='name')),
                ('name_hi', models.CharField(blank=True, max_length=150, verbose_name='name (Hindi)')),
                ('name_hi_machine', models.BooleanField(default=False, help_text='Untick after a person has checked or corrected the Hindi name.', verbose_name='Hindi name is machine transliterated')),
                ('source_name', models.CharField(blank=True, max_length=150, verbose_name='name in source')),
                ('lgd_code', models.PositiveIntegerField(blank=True, null=True, unique=True, verbose_name='LGD code')),
                ('source', models.CharField(default='HPSDMA', max_length=20, verbose_name='source')),
                ('source_id', models.CharField(max_length=20, verbose_name='source id')),
                ('block', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='gram_panchayats', to='places.block', verbose_name='block')),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='gram_panchayats', to='places.district', verbose_name='district')),
            ],
            options={
                'verbose_name': 'gram panchayat',
                'verbose_name_plural': 'gram panchayats',
                'ordering': ['name'],
                'constraints': [models.UniqueConstraint(fields=('source', 'source_id'), name='gp_unique_source_id')],
            },
        ),
    ]
