"""A report job's PDF, written after the rest of its set is published (tasks.build_report); the sets built
before have theirs."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('web', '0009_survey'),
    ]

    operations = [
        migrations.AddField(
            model_name='reportjob',
            name='pdf',
            field=models.CharField(choices=[('pending', 'Being prepared'), ('ready', 'Ready'), ('failed', 'Failed')], default='ready', max_length=10, verbose_name='PDF'),
        ),
    ]
