"""Django's admin app on our site class (settings.INSTALLED_APPS): a second factor is required
(accounts/admin_site.py). Its own module, so that accounts/apps.py keeps a single default AppConfig."""

from django.contrib.admin.apps import AdminConfig


class HimAdminConfig(AdminConfig):
    default_site = "himswasthya.accounts.admin_site.HimAdminSite"
