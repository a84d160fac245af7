"""Who may buy, bid and see bids."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ouvert.core.actors import Actor, is_system
from ouvert.core.models import User
from ouvert.core.permissions import can_edit_in_organization, check_edit_in_organization

from .models import ELIGIBLE_SIZES, Call, Supplier


def can_buy(user: User | None, call: Call) -> bool:
    """The buyer's side: editors and admins of the calling body (and site admins)."""
    return can_edit_in_organization(user, call.organization)


def check_buy(by: Actor, call: Call) -> None:
    if is_system(by):
        return
    check_edit_in_organization(by, call.organization)


def check_person(by: Actor | None) -> User:
    if by is None or is_system(by) or not by.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour faire cela."))
    return by


def is_supplier_member(user: User | None, supplier: Supplier) -> bool:
    return bool(user is not None and user.is_authenticated and supplier.members.filter(pk=user.pk).exists())


def check_supplier_member(user: User, supplier: Supplier) -> None:
    if not is_supplier_member(user, supplier):
        raise PermissionDenied(_("Vous n'agissez pas pour ce fournisseur."))


def eligibility_refusal(call: Call, supplier: Supplier) -> str:
    """Why this supplier may not bid on this call ("" when it may)."""
    if supplier.size in ELIGIBLE_SIZES[call.eligibility]:
        return ""
    return _("Cet appel est réservé ainsi : %(rule)s. Votre entreprise est inscrite comme « %(size)s » ; "
             "si ce n'est plus exact, mettez à jour votre profil de fournisseur.") % {
        "rule": call.get_eligibility_display(), "size": supplier.get_size_display()}
