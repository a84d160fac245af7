from django.contrib.auth import views as auth_views
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import feeds, views, views_follows

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path(_("a-propos/"), views.about, name="about"),
    path(_("compte/inscription/"), views.signup, name="signup"),
    path(_("compte/inscription/courriel-envoye/"), views.signup_done, name="signup_done"),
    path(_("compte/confirmer/<uidb64>/<token>/"), views.signup_confirm, name="signup_confirm"),
    path(_("compte/inscription/renvoyer-le-lien/"), views.signup_resend, name="signup_resend"),
    path(_("confidentialite/"), views.privacy, name="privacy"),
    path(_("conditions-d-utilisation/"), views.terms, name="terms"),
    path(_("compte/connexion/"), views.LoginView.as_view(), name="login"),
    path(_("compte/deconnexion/"), views.logout_view, name="logout"),
    path(_("compte/"), views.profile, name="profile"),
    path(_("compte/supprimer/"), views.account_delete, name="account_delete"),
    path(_("compte/mes-donnees/"), views.account_export, name="account_export"),
    path(_("compte/courriel/"), views.email_change, name="email_change"),
    path(_("compte/courriel/<uidb64>/<token>/"), views.email_change_confirm, name="email_change_confirm"),
    path(_("compte/changer-mot-de-passe/"), views.password_change, name="password_change"),
    path(_("compte/jetons/"), views.tokens, name="tokens"),
    path(_("compte/jetons/<int:pk>/revoquer/"), views.token_revoke, name="token_revoke"),
    path(_("compte/mot-de-passe/"), views.PasswordResetView.as_view(), name="password_reset"),
    path(_("compte/mot-de-passe/done/"), auth_views.PasswordResetDoneView.as_view(
        template_name="core/password_reset_done.html"), name="password_reset_done"),
    path(_("compte/mot-de-passe/<uidb64>/<token>/"), views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path(_("compte/mot-de-passe/termine/"), auth_views.PasswordResetCompleteView.as_view(
        template_name="core/password_reset_complete.html"), name="password_reset_complete"),
    path(_("organisations/"), views.organization_list, name="organization_list"),
    path(_("organisations/nouvelle/"), views.organization_create, name="organization_create"),
    path(_("organisations/<slug:slug>/"), views.organization_detail, name="organization_detail"),
    path(_("organisations/<slug:slug>/modifier/"), views.organization_edit, name="organization_edit"),
    path(_("organisations/<slug:slug>/membres/"), views.organization_member_add, name="organization_member_add"),
    path(_("organisations/<slug:slug>/membres/<int:pk>/retirer/"), views.organization_member_remove,
         name="organization_member_remove"),
    path(_("organisations/invitation/<str:token>/"), views.invitation, name="invitation"),
    path(_("journal/"), views.audit_log, name="audit_log"),
    path(_("suivis/desabonnement/<str:token>/"), views_follows.unsubscribe, name="unsubscribe"),
    path(_("suivis/fil/<str:kind>/<str:key>/"), feeds.FollowableFeed(), name="follow_feed"),
    path(_("compte/webhooks/"), views_follows.webhook_list, name="webhooks"),
    path(_("compte/webhooks/<int:pk>/"), views_follows.webhook_detail, name="webhook_detail"),
    path(_("compte/webhooks/<int:pk>/action/"), views_follows.webhook_action, name="webhook_action"),
]
