"""Whether an account's e-mail address is confirmed, and a change waiting for its link.
Every existing address starts unconfirmed (`confirmed_email` blank): password reset mails
it only once its owner has opened a confirmation link."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('athletes', '0003_comments_to_analysis'),
    ]

    operations = [
        migrations.AddField(
            model_name='profile',
            name='confirmed_email',
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name='profile',
            name='email_confirmed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='profile',
            name='pending_email',
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name='profile',
            name='pending_email_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
