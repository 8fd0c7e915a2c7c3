import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "For a local run: make sure a superuser exists. The first time, create 'admin' with a "
        "random password kept in var/admin-password.txt (outside git)."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("No local admin in production: use createsuperuser.")
        password_file = Path(settings.BASE_DIR) / "var" / "admin-password.txt"
        User = get_user_model()
        if not User.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", "admin@localhost", password)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n", encoding="utf-8")
            password_file.chmod(0o600)
        if password_file.exists():
            password = password_file.read_text(encoding="utf-8").strip()
            self.stdout.write(f"Admin login: user 'admin', password '{password}'")
        else:
            self.stdout.write("Admin login: use the superuser you created.")
